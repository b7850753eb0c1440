# POST /orders — the runtime checks the body against ORDER before this runs (400 otherwise)
import uuid
from typing import Any

from lib.orders import ORDER
from motia import ApiRequest, ApiResponse, FlowContext, http

config = {
    "name": "PlaceOrder",
    "description": "Accepts an order and hands it to the background",
    "flows": ["orders"],
    "triggers": [http("POST", "/orders", body_schema=ORDER)],
    "enqueues": ["order-placed"],
}


async def handler(request: ApiRequest[dict[str, Any]], ctx: FlowContext) -> ApiResponse:
    order_id = str(uuid.uuid4())
    await ctx.enqueue({"topic": "order-placed", "data": {"id": order_id, **request.body}})
    ctx.logger.info("order accepted", {"id": order_id})
    return ApiResponse(status=202, body={"id": order_id})
