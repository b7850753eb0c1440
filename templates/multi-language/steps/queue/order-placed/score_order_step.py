# Python, between two TypeScript steps: reads the order TypeScript stored, scores it, passes it on.
from motia import FlowContext, logger, queue

config = {
    "name": "ScoreOrder",
    "description": "Scores an order's risk (in Python)",
    "flows": ["orders"],
    "triggers": [queue("order-placed", input={
        "type": "object",
        "properties": {"id": {"type": "string"}, "item": {"type": "string"}, "amount": {"type": "number"}},
        "required": ["id", "item", "amount"],
    })],
    "enqueues": ["order-scored"],
}


async def handler(order: dict, ctx: FlowContext) -> None:
    risk = "high" if order["amount"] > 1000 else "low"
    stored = await ctx.state.get("orders", order["id"])
    await ctx.state.update("orders", order["id"], [
        {"type": "merge", "value": {"risk": risk, "status": "scored"}},
        {"type": "set", "path": "traces", "value": stored["traces"] + [ctx.trace_id]},
    ])
    logger.info("order scored", {"id": order["id"], "risk": risk})
    await ctx.enqueue({"topic": "order-scored", "data": {"id": order["id"], "risk": risk}})
