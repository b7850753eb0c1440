/**
 * The projects of test/compat/python-projects.test.ts: Python step files written here the way Motia's
 * users and Motia's own Python playground write them (1.0 and 0.x), with TypeScript steps in the
 * same flows.
 */
import { peekStep } from '../helpers/python.ts'

// Motia 1.0, as its Python playground writes steps (frameworks/motia/motia-py/playground).
export const playground = {
  ...peekStep,
  'steps/greetings.stream.ts': `import { z } from 'zod'\nexport const config = { name: 'greetings', schema: z.object({ name: z.string(), message: z.string() }) }\n`,
  'steps/greetings/greet_step.py': `
"""Greeting API step."""

from typing import Any

from motia import ApiRequest, ApiResponse, Stream, http, logger

GREETINGS_GROUP_ID = "default"
greetings_stream: Stream[dict[str, Any]] = Stream("greetings")


def _first_param(value: str | list[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return value[0] if value else None
    return value


config = {
    "name": "Greet",
    "description": "Greet and store the greeting in a stream",
    "triggers": [
        http("GET", "/greet"),
    ],
    "enqueues": [],
}


async def handler(request: ApiRequest[Any]) -> ApiResponse[dict[str, Any]]:
    """Handle greeting requests."""
    name = _first_param(request.query_params.get("name")) or "world"
    greeting = {"name": name, "message": f"Hello, {name}!"}

    await greetings_stream.set(GREETINGS_GROUP_ID, name, greeting)
    logger.info("Greeting stored", {"name": name})

    return ApiResponse(status=200, body=greeting)
`,
  'steps/greetings/summary_step.py': `
"""Greetings summary step for API and cron."""

from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, Stream, cron, http, logger

GREETINGS_GROUP_ID = "default"
greetings_stream: Stream[dict[str, Any]] = Stream("greetings")


config = {
    "name": "GreetingsSummary",
    "description": "Summarize greetings via API or every 5 seconds",
    "triggers": [
        http("GET", "/greetings/summary"),
        cron("*/5 * * * * *"),
    ],
    "enqueues": [],
}


async def handler(input_data: Any, ctx: FlowContext[Any]) -> Any:
    async def _summary_api_handler(request: ApiRequest[Any]) -> ApiResponse[dict[str, Any]]:
        greetings = await greetings_stream.get_group(GREETINGS_GROUP_ID)
        logger.info("Greetings summary requested", {"count": len(greetings)})
        return ApiResponse(status=200, body={"count": len(greetings), "greetings": greetings})

    async def _summary_cron_handler() -> None:
        greetings = await greetings_stream.get_group(GREETINGS_GROUP_ID)
        logger.info("Greetings summary (cron)", {"count": len(greetings)})

    return await ctx.match(
        {
            "http": _summary_api_handler,
            "cron": _summary_cron_handler,
        },
    )
`,
  'steps/greetings/delete_step.py': `
from typing import Any

from motia import ApiRequest, ApiResponse, Stream, http, logger

greetings_stream: Stream[dict[str, Any]] = Stream("greetings")

config = {
    "name": "DeleteGreeting",
    "description": "Delete a greeting from the stream",
    "triggers": [
        http("DELETE", "/greetings/:name"),
    ],
    "enqueues": [],
}


async def handler(request: ApiRequest[Any]) -> ApiResponse[Any]:
    name = request.path_params.get("name")
    if not name:
        return ApiResponse(status=400, body={"error": "missing name"})

    await greetings_stream.delete("default", name)
    logger.info("Greeting deleted", {"name": name})

    return ApiResponse(status=204, body="")
`,
  'steps/state_example/update_state_step.py': `
from typing import Any

from motia import http, logger, stateManager

config = {
    "name": "update-user-state",
    "description": "API endpoint to update user state",
    "triggers": [
        http("POST", "/users/:id/status"),
    ],
    "flows": ["state-example"],
}


async def handler(request: Any) -> dict[str, Any]:
    if not request.path_params or "id" not in request.path_params:
        return {"status": 400, "body": {"error": "Missing required path parameter: id"}}

    user_id = request.path_params.get("id")

    if request.body is None or not hasattr(request.body, "get"):
        return {"status": 400, "body": {"error": "Request body must be a valid object"}}

    new_status = request.body.get("status", "active")

    await stateManager.set("users", user_id, {"status": new_status})

    logger.info(f"Updated user {user_id} status to {new_status}")

    return {"status": 200, "body": {"user_id": user_id, "status": new_status}}
`,
  'steps/state_example/on_state_change_step.py': `
from typing import Any

from motia import StateTriggerInput, enqueue, logger, state

config = {
    "name": "on-user-state-change",
    "description": "React to user state changes",
    "triggers": [
        state(condition=lambda input, ctx: input.group_id == "users"),
    ],
    "enqueues": ["user.status.changed"],
    "flows": ["state-example"],
}


async def handler(input: StateTriggerInput) -> None:
    logger.info("User state changed", {"group_id": input.group_id, "item_id": input.item_id})

    old_status = input.old_value.get("status") if isinstance(input.old_value, dict) else None
    new_status = input.new_value.get("status") if isinstance(input.new_value, dict) else None

    await enqueue(
        {
            "topic": "user.status.changed",
            "data": {
                "user_id": input.item_id,
                "old_status": old_status,
                "new_status": new_status,
            },
        }
    )
`,
  'steps/state_example/audit.step.ts': `
    export const config = { name: 'AuditStatus', flows: ['state-example'], triggers: [{ type: 'queue', topic: 'user.status.changed' }] }
    export const handler = async (data, { state }) => { await state.set('audit', data.user_id, data) }
  `,
  'steps/conditions/api_with_conditions_step.py': `
from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, http, logger


def is_high_value(input: Any, ctx: FlowContext[Any]) -> bool:
    _ = ctx
    data = input or {}
    amount = data.get("amount", 0) if isinstance(data, dict) else 0
    return amount > 1000


def is_verified_user(input: Any, ctx: FlowContext[Any]) -> bool:
    if isinstance(input, ApiRequest):
        body = input.body or {}
        user = body.get("user", {}) if isinstance(body, dict) else {}
        return user.get("verified", False)
    data = input or {}
    user = data.get("user", {}) if isinstance(data, dict) else {}
    return user.get("verified", False)


def api_premium_check(input: Any, ctx: FlowContext[Any]) -> bool:
    return is_verified_user(input, ctx) and (input.body or {}).get("amount", 0) > 1000


config = {
    "name": "ApiWithConditions",
    "description": "Test conditions on API trigger",
    "triggers": [
        http("POST", "/orders/premium", condition=api_premium_check),
    ],
    "enqueues": [],
}


async def handler(request: ApiRequest[Any]) -> ApiResponse[Any]:
    logger.info("Processing premium order via API")
    return ApiResponse(status=200, body={"message": "Premium order processed", "data": request.body})
`,
  'steps/multi_trigger/dual_trigger_step.py': `
from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, http, logger, queue

config = {
    "name": "DualTrigger",
    "description": "Test dual trigger (event + API)",
    "triggers": [
        queue("test.dual"),
        http("POST", "/test/dual"),
    ],
    "enqueues": ["test.dual.processed"],
}


async def handler(input_data: Any, ctx: FlowContext[Any]) -> Any:
    async def _event_handler(input: Any) -> None:
        logger.info("Dual trigger fired (queue)", {"data": input, "topic": ctx.trigger.topic})
        await ctx.enqueue({"topic": "test.dual.processed", "data": {"topic": ctx.trigger.topic}})

    async def _api_handler(request: ApiRequest[Any]) -> ApiResponse[Any]:
        logger.info("Dual trigger fired (api)", {"path": ctx.trigger.path, "method": ctx.trigger.method})
        return ApiResponse(status=200, body={"message": "Dual trigger via API", "path": ctx.trigger.path})

    return await ctx.match(
        {
            "queue": _event_handler,
            "http": _api_handler,
        },
    )
`,
  'steps/multi_trigger/send.step.ts': `
    export const config = { name: 'SendDual', triggers: [{ type: 'http', method: 'POST', path: '/send-dual' }], enqueues: ['test.dual'] }
    export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'test.dual', data: req.body }); return { status: 202, body: {} } }
  `,
  'steps/multi_trigger/processed.step.ts': `
    export const config = { name: 'DualProcessed', triggers: [{ type: 'queue', topic: 'test.dual.processed' }] }
    export const handler = async (data, { state, traceId }) => { await state.set('dual', 'processed', { ...data, traceId }) }
  `,
}

// Motia 0.x Python steps, as projects and Motia's quickstart template wrote them.
export const motia0 = {
  ...peekStep,
  'steps/hello-api.step.ts': `
    export const config = { type: 'api', name: 'HelloApi', path: '/hello', method: 'POST', emits: ['hello'], flows: ['hello'] }
    export const handler = async (req, { emit }) => { await emit({ topic: 'hello', data: { extra: req.body.extra } }); return { status: 200, body: { ok: true } } }
  `,
  'src/python_step.py': `
# This is an example of a Python step.
from pydantic import BaseModel

class Input(BaseModel):
    extra: str

config = {
    "type": "event",
    "name": "HelloFromPython",
    "subscribes": ["hello"],
    "input": Input.model_json_schema(),
    "emits": ["hello.response.python"],
    "flows": ["hello"],
    "description": "Say hello from Python!",
    "virtualEmits": [],
    "virtualSubscribes": [],
}

async def handler(input: Input, ctx):
    ctx.logger.info("Hello from Python!")
    await ctx.emit({"topic": "hello.response.python", "data": {"extra": input["extra"] + "-py"}})
`,
  'src/hello-response.step.ts': `
    export const config = { type: 'event', name: 'HelloResponse', subscribes: ['hello.response.python'], emits: [], flows: ['hello'] }
    export const handler = async (input, { state, traceId }) => { await state.set('hello', 'response', { ...input, traceId }) }
  `,
  'steps/api_step.py': `
from typing import Any, Dict

config = {
    "type": "api",
    "name": "api-step",
    "emits": ["TEST_EVENT"],
    "path": "/test",
    "method": "POST"
}


async def handler(_, ctx: Any) -> Dict:
    await ctx.emit({
        "data": {"test": "data"},
        "topic": "TEST_EVENT"
    })

    return {
        "status": 200,
        "body": {"traceId": ctx.traceId}
    }
`,
  'steps/test_state.step.py': `
config = {
    "type": "event",
    "name": "Test State With Python",
    "subscribes": ["TEST_EVENT"],
    "emits": ["check-state-change"],
    "input": {"type": "object", "properties": {"test": {"type": "string"}}},
    "flows": ["test-state"]
}

async def handler(args, ctx):
    ctx.logger.info('[Test motia state with python] received test-state event', args)

    value = {"state": {"with": {"nested": {"value": 1}}}}

    await ctx.state.set(ctx.trace_id, 'python_state', value)

    await ctx.emit({
        "topic": "check-state-change",
        "data": {
            "key": "python_state",
            "expected": value
        },
    })
`,
  'steps/check-state.step.ts': `
    export const config = { type: 'event', name: 'CheckState', subscribes: ['check-state-change'], emits: [], flows: ['test-state'] }
    export const handler = async (input, { state, traceId }) => {
      const stored = await state.get(traceId, input.key)
      await state.set('checks', 'python_state', { matches: JSON.stringify(stored) === JSON.stringify(input.expected), traceId })
    }
  `,
  'steps/data-processor_step.py': `
config = {
    "type": "event",
    "name": "data-processor",
    "description": "Process incoming data with Python",
    "subscribes": ["users.fetched"],
    "emits": ["data.processed"],
    "flows": ["user-management"]
}

async def handler(input_data, ctx):
    """Process the data"""
    processed_data = {
        "original": input_data,
        "count": len(input_data.get("users", []))
    }

    await ctx.emit({
        "topic": "data.processed",
        "data": processed_data
    })
`,
  'steps/fetch-users.step.ts': `
    export const config = { type: 'api', name: 'FetchUsers', path: '/users/fetch', method: 'POST', emits: ['users.fetched'], flows: ['user-management'] }
    export const handler = async (req, { emit }) => { await emit({ topic: 'users.fetched', data: { users: req.body.users } }); return { status: 202, body: {} } }
  `,
  'steps/processed.step.ts': `
    export const config = { type: 'event', name: 'StoreProcessed', subscribes: ['data.processed'], emits: [], flows: ['user-management'] }
    export const handler = async (input, { state }) => { await state.set('processed', 'last', input) }
  `,
}
