# GET /default — inferred from the file's place under steps/http/
from motia import ApiRequest, ApiResponse, FlowContext

config = {
    "name": "HelloWorld",
    "description": "Says hello",
    "flows": ["hello"],
}


async def handler(request: ApiRequest, ctx: FlowContext) -> ApiResponse:
    ctx.logger.info("saying hello")
    return ApiResponse(status=200, body={"message": "Hello World from Motia!"})
