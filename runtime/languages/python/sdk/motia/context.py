"""``FlowContext``: the second argument of every handler, the same members as in TypeScript."""

from __future__ import annotations

import inspect
from typing import Any, Generic, TypeVar

from ._run import Run
from .enqueue import enqueue_for
from .errors import MotiaError
from .logger import Logger
from .state import StateManager
from .streams import StreamsAccessor
from .types import ApiRequest, TriggerInfo

TEnqueueData = TypeVar("TEnqueueData")


class FlowContext(Generic[TEnqueueData]):
    """``enqueue``/``emit``, ``state``, ``streams``, ``logger``, ``trace_id``, ``trigger``, ``flows``,
    ``attempt``, ``match`` and the ``is_*`` helpers. Members are built on first use: a context is
    made for every run, and most handlers touch few of them."""

    __slots__ = ("_run", "_info", "_trigger", "_state", "_logger", "_streams", "input_value", "__dict__")

    def __init__(self, run: Run, info: dict[str, Any], input_value: Any = None) -> None:
        self._run = run
        self._info = info
        self._trigger: TriggerInfo | None = None
        self._state: StateManager | None = None
        self._logger: Logger | None = None
        self._streams: StreamsAccessor | None = None
        self.input_value = input_value

    @property
    def trace_id(self) -> str:
        return self._info.get("traceId", "")

    @property
    def traceId(self) -> str:  # noqa: N802 - Motia 0.x files read ctx.traceId
        return self.trace_id

    @property
    def step(self) -> str:
        return self._info.get("step", "")

    @property
    def flows(self) -> list[str]:
        return self._info.get("flows") or []

    @property
    def attempt(self) -> int:
        return self._info.get("attempt") or 1

    @property
    def trigger(self) -> TriggerInfo:
        if self._trigger is None:
            self._trigger = TriggerInfo(self._info.get("trigger") or {})
        return self._trigger

    @property
    def state(self) -> StateManager:
        if self._state is None:
            self._state = StateManager(self._run)
        return self._state

    @property
    def logger(self) -> Logger:
        if self._logger is None:
            self._logger = Logger(self._run)
        return self._logger

    @property
    def streams(self) -> StreamsAccessor:
        if self._streams is None:
            self._streams = StreamsAccessor(self._run)
        return self._streams

    def enqueue(self, message: dict[str, Any]) -> Any:
        return enqueue_for(self._run, message)

    def emit(self, message: dict[str, Any]) -> Any:
        """Motia 0.x's name for ``enqueue``."""
        return enqueue_for(self._run, message)

    def _fired(self) -> str:
        return (self._info.get("trigger") or {}).get("type", "")

    def is_api(self) -> bool:
        return self._fired() == "http"

    is_http = is_api

    def is_queue(self) -> bool:
        return self._fired() == "queue"

    def is_cron(self) -> bool:
        return self._fired() == "cron"

    def is_state(self) -> bool:
        return self._fired() == "state"

    def is_stream(self) -> bool:
        return self._fired() == "stream"

    def get_data(self) -> Any:
        """The http body, the queue data, the state or stream change; None for cron."""
        if self.is_cron():
            return None
        if isinstance(self.input_value, ApiRequest):
            return self.input_value.body
        return self.input_value

    async def match(self, handlers: dict[str, Any]) -> Any:
        """Calls the handler for the trigger that fired (``http``/``api``, ``queue``, ``cron``,
        ``state``, ``stream``), else ``default``."""
        kind = self._fired()
        handler = handlers.get(kind) or (handlers.get("api") if kind == "http" else None)
        if handler is not None:
            result = handler() if kind == "cron" else handler(self.input_value)
        elif handlers.get("default") is not None:
            result = handlers["default"](self.input_value)
        else:
            given = ", ".join(handlers) or "none"
            raise MotiaError(f"ctx.match() has no {kind!r} handler and no default (given: {given})", code="NO_MATCH")
        return await result if inspect.isawaitable(result) else result
