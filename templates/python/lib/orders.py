"""Order schemas, shared by the steps (plain JSON Schema: no pydantic needed; a pydantic model works too)."""

ORDER = {
    "type": "object",
    "properties": {"item": {"type": "string", "minLength": 1}, "quantity": {"type": "integer", "minimum": 1}},
    "required": ["item", "quantity"],
}

PLACED = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "item": {"type": "string"}, "quantity": {"type": "integer"}},
    "required": ["id", "item", "quantity"],
}
