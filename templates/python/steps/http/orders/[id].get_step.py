# GET /orders/:id — reads what the queue step stored
from motia import ApiRequest, ApiResponse, FlowContext

config = {"name": "GetOrder", "flows": ["orders"]}


async def handler(request: ApiRequest, ctx: FlowContext) -> ApiResponse:
    order_id = request.path_params["id"]
    order = await ctx.state.get("orders", order_id)
    if order is None:
        return ApiResponse(status=404, body={"error": f"order {order_id} not found"})
    return ApiResponse(status=200, body=order)
