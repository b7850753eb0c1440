"""Trigger helpers, as Motia's Python package names them: ``http``/``api``, ``queue``, ``cron``,
``state`` and ``stream``. Each returns a trigger object for ``config["triggers"]``; plain dicts
(``{"type": "queue", "topic": "x"}``) work as well."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Union

from .types import QueueConfig, QueryParam, Record

TriggerCondition = Callable[[Any, Any], Union[bool, Awaitable[bool]]]
ApiMiddleware = Callable[[Any, Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]


class Trigger(Record):
    """Base of the trigger objects; ``to_config()`` is the trigger as the runtime reads it."""

    type: str = ""
    _wire: dict[str, str] = {}

    def to_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        for key, value in vars(self).items():
            if key.startswith("_") or value is None or key == "type":
                continue
            out[self._wire.get(key, key)] = value
        return out


class ApiTrigger(Trigger):
    type = "http"
    _wire = {"body_schema": "bodySchema", "response_schema": "responseSchema", "query_params": "queryParams", "content_types": "contentTypes"}
    _aliases = {"bodySchema": "body_schema", "responseSchema": "response_schema", "queryParams": "query_params"}

    def __init__(
        self,
        method: str,
        path: str,
        body_schema: Any = None,
        response_schema: dict[int, Any] | None = None,
        query_params: list[QueryParam | dict[str, Any]] | Any = None,
        middleware: list[ApiMiddleware] | None = None,
        condition: TriggerCondition | None = None,
        content_types: list[str] | None = None,
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.body_schema = body_schema
        self.response_schema = response_schema
        self.query_params = query_params
        self.middleware = middleware
        self.condition = condition
        self.content_types = content_types


class QueueTrigger(Trigger):
    type = "queue"

    def __init__(self, topic: str, input: Any = None, condition: TriggerCondition | None = None, config: QueueConfig | dict[str, Any] | None = None, infrastructure: dict[str, Any] | None = None) -> None:  # noqa: A002
        self.topic = topic
        self.input = input
        self.condition = condition
        self.config = config
        self.infrastructure = infrastructure


class CronTrigger(Trigger):
    type = "cron"
    _wire = {"allow_overlap": "allowOverlap", "timeout_ms": "timeoutMs"}

    def __init__(self, expression: str, condition: TriggerCondition | None = None, timezone: str | None = None, allow_overlap: bool | None = None, timeout_ms: int | None = None) -> None:
        self.expression = expression
        self.condition = condition
        self.timezone = timezone
        self.allow_overlap = allow_overlap
        self.timeout_ms = timeout_ms


class StateTrigger(Trigger):
    type = "state"

    def __init__(self, condition: TriggerCondition | None = None, group: str | None = None) -> None:
        self.condition = condition
        self.group = group


class StreamTrigger(Trigger):
    type = "stream"
    _wire = {"stream_name": "streamName", "group_id": "groupId", "item_id": "itemId"}
    _aliases = {"streamName": "stream_name", "groupId": "group_id", "itemId": "item_id"}

    def __init__(self, stream_name: str, group_id: str | None = None, item_id: str | None = None, condition: TriggerCondition | None = None) -> None:
        self.stream_name = stream_name
        self.group_id = group_id
        self.item_id = item_id
        self.condition = condition


TriggerConfig = Union[ApiTrigger, QueueTrigger, CronTrigger, StateTrigger, StreamTrigger]


def http(
    method: str,
    path: str,
    *,
    body_schema: Any = None,
    response_schema: dict[int, Any] | None = None,
    query_params: Any = None,
    middleware: list[ApiMiddleware] | None = None,
    condition: TriggerCondition | None = None,
    content_types: list[str] | None = None,
) -> ApiTrigger:
    """An http route: ``http("POST", "/orders", body_schema=Order)``."""
    return ApiTrigger(method, path, body_schema, response_schema, query_params, middleware, condition, content_types)


api = http


def queue(topic: str, *, input: Any = None, condition: TriggerCondition | None = None, config: QueueConfig | dict[str, Any] | None = None, infrastructure: dict[str, Any] | None = None) -> QueueTrigger:  # noqa: A002
    """A queue subscription: ``queue("order.created", input=Order)``."""
    return QueueTrigger(topic, input, condition, config, infrastructure)


def cron(expression: str, *, condition: TriggerCondition | None = None, timezone: str | None = None, allow_overlap: bool | None = None, timeout_ms: int | None = None) -> CronTrigger:
    """A schedule: ``cron("0 * * * *")`` (5 fields, 6 with seconds first, 7 with a year)."""
    return CronTrigger(expression, condition, timezone, allow_overlap, timeout_ms)


def state(*, condition: TriggerCondition | None = None, group: str | None = None) -> StateTrigger:
    """Runs after a state write: ``state(condition=lambda change, ctx: change.group_id == "users")``."""
    return StateTrigger(condition, group)


def stream(stream_name: str, *, group_id: str | None = None, item_id: str | None = None, condition: TriggerCondition | None = None) -> StreamTrigger:
    """Runs after an item of a stream is created, updated or deleted: ``stream("todo")``."""
    return StreamTrigger(stream_name, group_id, item_id, condition)
