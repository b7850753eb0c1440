"""Schemas as step files write them: JSON Schema dicts, or pydantic models (the class, an instance
of ``TypeAdapter``, or ``Model.model_json_schema()``). The runtime checks data against the JSON
Schema, so validation needs no pydantic; pydantic is only imported by the files that use it."""

from __future__ import annotations

from typing import Any


def is_model_class(value: Any) -> bool:
    """True for a pydantic model class (anything with ``model_json_schema`` and ``model_validate``)."""
    return isinstance(value, type) and callable(getattr(value, "model_json_schema", None)) and callable(getattr(value, "model_validate", None))


def schema_to_json_schema(schema: Any) -> dict[str, Any] | None:
    """The JSON Schema for ``schema``, or None when it is not a schema."""
    if schema is None:
        return None
    if isinstance(schema, dict):
        return schema
    if isinstance(schema, type) and callable(getattr(schema, "model_json_schema", None)):
        return schema.model_json_schema()
    adapter_schema = getattr(schema, "json_schema", None)
    if callable(adapter_schema) and type(schema).__name__ == "TypeAdapter":
        return adapter_schema()
    return None
