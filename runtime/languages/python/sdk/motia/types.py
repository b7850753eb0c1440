"""The values handlers receive and return, under Motia's names. Each reads as attributes
(``req.body``, ``change.group_id``) and, for Motia 0.x files, as a mapping (``req.get("body")``,
``req["pathParams"]``). No pydantic needed: these are plain classes."""

from __future__ import annotations

from typing import Any, Generic, Iterator, Literal, TypeVar

T = TypeVar("T")
TBody = TypeVar("TBody")
TOutput = TypeVar("TOutput")

ApiRouteMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]


class Record:
    """Attribute access plus read-only mapping access, under snake_case and camelCase keys."""

    _aliases: dict[str, str] = {}

    def _key(self, key: str) -> str:
        return self._aliases.get(key, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, self._key(key), default) if not key.startswith("_") else default

    def __getitem__(self, key: str) -> Any:
        name = self._key(key)
        if key.startswith("_") or not hasattr(self, name):
            raise KeyError(key)
        return getattr(self, name)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and not key.startswith("_") and hasattr(self, self._key(key))

    def keys(self) -> list[str]:
        return list(self.to_dict().keys())

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items())
        return f"{type(self).__name__}({fields})"


class DotDict(dict):  # type: ignore[type-arg]
    """A dict whose keys also read as attributes (``data.user_id``), as Motia 0.x's data did."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(f"no field {name!r} (fields: {', '.join(map(str, self.keys())) or 'none'})") from None
        return DotDict(value) if type(value) is dict else value


class ApiRequest(Record, Generic[TBody]):
    """An http step's request. ``request``/``response`` make it usable as Motia's ``MotiaHttpArgs``."""

    _aliases = {"pathParams": "path_params", "queryParams": "query_params", "params": "path_params", "query": "query_params"}

    def __init__(
        self,
        path_params: dict[str, str] | None = None,
        query_params: dict[str, str | list[str]] | None = None,
        body: TBody | None = None,
        headers: dict[str, str | list[str]] | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.path_params = path_params or {}
        self.query_params = query_params or {}
        self.body = body
        self.headers = headers or {}
        self.method = method
        self.path = path

    @property
    def request(self) -> ApiRequest[TBody]:
        return self

    @property
    def response(self) -> Any:
        from .errors import MotiaError

        raise MotiaError(
            "writing the response through args.response (status/headers/stream) is not supported in Python steps: return ApiResponse(status=..., body=..., headers=...) instead",
            code="UNSUPPORTED",
        )

    @property
    def request_body(self) -> Any:
        return self.body


MotiaHttpArgs = ApiRequest
MotiaHttpRequest = ApiRequest


class MotiaHttpResponse:
    """Motia's streaming response writer, named so that files importing it load; writing through it
    is not supported in Python steps (return an ``ApiResponse``)."""

    def __init__(self, writer: Any = None) -> None:
        self._writer = writer

    def _unsupported(self, *_: Any) -> Any:
        from .errors import MotiaError

        raise MotiaError("writing the response piecewise (MotiaHttpResponse) is not supported in Python steps: return ApiResponse(status=..., body=..., headers=...) instead", code="UNSUPPORTED")

    status = headers = close = _unsupported


class ApiResponse(Record, Generic[TOutput]):
    """What an http handler returns; a dict ``{"status": ..., "body": ..., "headers": ...}`` works too."""

    def __init__(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


class TriggerInfo(Record):
    """``ctx.trigger``: which trigger fired, with its main fields."""

    _aliases = {"streamName": "stream_name", "groupId": "group_id", "itemId": "item_id"}

    def __init__(self, fields: dict[str, Any]) -> None:
        self.type: str = fields.get("type", "")
        self.index: int | None = fields.get("index")
        self.path: str | None = fields.get("path")
        self.method: str | None = fields.get("method")
        self.topic: str | None = fields.get("topic")
        self.expression: str | None = fields.get("expression")
        self.stream_name: str | None = fields.get("streamName")
        self.group_id: str | None = fields.get("groupId")
        self.item_id: str | None = fields.get("itemId")


class StateTriggerInput(Record):
    """What a state step receives after a state write."""

    _aliases = {"groupId": "group_id", "itemId": "item_id", "oldValue": "old_value", "newValue": "new_value", "group": "group_id", "key": "item_id"}

    def __init__(self, group_id: str, item_id: str, old_value: Any = None, new_value: Any = None, event: str = "updated") -> None:
        self.type = "state"
        self.group_id = group_id
        self.item_id = item_id
        self.old_value = old_value
        self.new_value = new_value
        self.event = event


class StreamEvent(Record):
    def __init__(self, type: str, data: Any = None) -> None:  # noqa: A002 - Motia's field name
        self.type = type
        self.data = data


class StreamTriggerInput(Record):
    """What a stream step receives after an item of its stream changed."""

    _aliases = {"streamName": "stream_name", "groupId": "group_id"}

    def __init__(self, stream_name: str, group_id: str, id: str, event: StreamEvent, timestamp: int = 0) -> None:  # noqa: A002
        self.type = "stream"
        self.timestamp = timestamp
        self.stream_name = stream_name
        self.group_id = group_id
        self.id = id
        self.event = event


class QueueConfig(Record):
    """A queue trigger's delivery options (Motia's names; timeouts in seconds as in Motia)."""

    def __init__(
        self,
        type: Literal["fifo", "standard"] = "standard",  # noqa: A002
        max_retries: int | None = None,
        visibility_timeout: int | None = None,
        delay_seconds: int | None = None,
        concurrency: int | None = None,
        backoff_type: str | None = None,
        backoff_delay_ms: int | None = None,
    ) -> None:
        self.type = type
        self.max_retries = max_retries
        self.visibility_timeout = visibility_timeout
        self.delay_seconds = delay_seconds
        self.concurrency = concurrency
        self.backoff_type = backoff_type
        self.backoff_delay_ms = backoff_delay_ms


class Enqueue(Record):
    """A declared topic with a label for the flow graph: ``Enqueue(topic="x", label="...")``."""

    def __init__(self, topic: str, label: str | None = None, conditional: bool = False) -> None:
        self.topic = topic
        self.label = label
        self.conditional = conditional


class QueryParam(Record):
    def __init__(self, name: str, description: str = "", required: bool = False) -> None:
        self.name = name
        self.description = description
        self.required = required


TriggerInput = Any
Enqueuer = Any
