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
    ``attempt``, ``match`` and the ``is_*`` helpers."""

    def __init__(self, run: Run, info: dict[str, Any], input_value: Any = None) -> None:
        self._run = run
        self.trace_id: str = info.get("traceId", "")
        self.step: str = info.get("step", "")
        self.flows: list[str] = info.get("flows") or []
        self.attempt: int = info.get("attempt") or 1
        self.trigger = TriggerInfo(info.get("trigger") or {})
        self.input_value = input_value
        self.state = StateManager(run)
        self.logger = Logger(run)
        self.streams = StreamsAccessor(run)

    @property
    def traceId(self) -> str:  # noqa: N802 - Motia 0.x files read ctx.traceId
        return self.trace_id

    def enqueue(self, message: dict[str, Any]) -> Any:
        return enqueue_for(self._run, message)

    def emit(self, message: dict[str, Any]) -> Any:
        """Motia 0.x's name for ``enqueue``."""
        return enqueue_for(self._run, message)

    def is_api(self) -> bool:
        return self.trigger.type == "http"

    is_http = is_api

    def is_queue(self) -> bool:
        return self.trigger.type == "queue"

    def is_cron(self) -> bool:
        return self.trigger.type == "cron"

    def is_state(self) -> bool:
        return self.trigger.type == "state"

    def is_stream(self) -> bool:
        return self.trigger.type == "stream"

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
        kind = self.trigger.type
        handler = handlers.get(kind) or (handlers.get("api") if kind == "http" else None)
        if handler is not None:
            result = handler() if kind == "cron" else handler(self.input_value)
        elif handlers.get("default") is not None:
            result = handlers["default"](self.input_value)
        else:
            given = ", ".join(handlers) or "none"
            raise MotiaError(f"ctx.match() has no {kind!r} handler and no default (given: {given})", code="NO_MATCH")
        return await result if inspect.isawaitable(result) else result
