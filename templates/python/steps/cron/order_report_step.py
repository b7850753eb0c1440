# Every minute, logs how many orders were recorded so far
from motia import FlowContext, cron

config = {
    "name": "OrderReport",
    "flows": ["orders"],
    "triggers": [cron("* * * * *")],
}


async def handler(_tick: None, ctx: FlowContext) -> None:
    stats = await ctx.state.get("stats", "orders")
    ctx.logger.info("order report", {"recorded": (stats or {}).get("count", 0)})
