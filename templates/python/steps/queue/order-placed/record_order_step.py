# Runs in the background for every message on the "order-placed" topic
from datetime import datetime, timezone

from lib.orders import PLACED
from motia import FlowContext, logger, queue, stateManager

config = {
    "name": "RecordOrder",
    "flows": ["orders"],
    "triggers": [queue("order-placed", input=PLACED, config={"maxRetries": 3, "backoff": {"type": "exponential", "delayMs": 500}})],
}


# A plain `def` runs in a thread, so the state calls answer directly (no await).
def handler(order: dict, ctx: FlowContext) -> None:
    recorded_at = datetime.now(timezone.utc).isoformat()
    stateManager.set("orders", order["id"], {**order, "status": "recorded", "recordedAt": recorded_at})
    stateManager.update("stats", "orders", [{"type": "increment", "path": "count", "by": 1}])
    logger.info("order recorded", {"id": order["id"]})
