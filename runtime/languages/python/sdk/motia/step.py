"""Step builders, as Motia's Python package names them: ``step(config, handler)`` (or
``step(config).handle(handler)``) and ``multi_trigger_step(config).on_queue(...).on_http(...).handlers()``.
A file may also just define ``config`` and ``handler`` at module level."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from .errors import MotiaError
from .types import Record

StepHandler = Callable[..., Any]


class StepConfig(Record):
    """A step's configuration; a plain dict with the same keys works everywhere this does."""

    _aliases = {"virtualEnqueues": "virtual_enqueues", "virtualSubscribes": "virtual_subscribes", "includeFiles": "include_files"}

    def __init__(
        self,
        name: str | None = None,
        triggers: list[Any] | None = None,
        enqueues: list[Any] | None = None,
        virtual_enqueues: list[Any] | None = None,
        virtual_subscribes: list[str] | None = None,
        description: str | None = None,
        flows: list[str] | None = None,
        include_files: list[str] | None = None,
        **extra: Any,
    ) -> None:
        self.name = name
        self.triggers = triggers or []
        self.enqueues = enqueues or []
        self.virtual_enqueues = virtual_enqueues
        self.virtual_subscribes = virtual_subscribes
        self.description = description
        self.flows = flows
        self.include_files = include_files
        self._extra = extra

    @classmethod
    def model_validate(cls, value: Any) -> StepConfig:
        """Motia's (pydantic) spelling of "make a StepConfig from a dict"."""
        if isinstance(value, StepConfig):
            return value
        if not isinstance(value, dict):
            raise MotiaError(f"a step config is a dict or StepConfig, got {type(value).__name__}", code="CONFIG_ERROR")
        known = {"virtualEnqueues": "virtual_enqueues", "virtualSubscribes": "virtual_subscribes", "includeFiles": "include_files"}
        return cls(**{known.get(k, k): v for k, v in value.items()})

    def to_config(self) -> dict[str, Any]:
        wire = {"virtual_enqueues": "virtualEnqueues", "virtual_subscribes": "virtualSubscribes", "include_files": "includeFiles"}
        out = {wire.get(k, k): v for k, v in self.to_dict().items() if v is not None}
        out.update(self._extra)
        return out


@dataclass
class StepDefinition:
    """A step's config and handler together, as ``step()`` returns them."""

    config: Any
    handler: StepHandler


class StepBuilder:
    def __init__(self, config: Any) -> None:
        self.config = config

    def handle(self, handler: StepHandler) -> StepDefinition:
        return StepDefinition(config=self.config, handler=handler)


def step(config: StepConfig | dict[str, Any], handler: StepHandler | None = None) -> Any:
    """``step(config, handler)`` → a StepDefinition; ``step(config)`` → a builder with ``.handle(fn)``."""
    config = StepConfig.model_validate(config)
    return StepBuilder(config) if handler is None else StepDefinition(config=config, handler=handler)


class MultiTriggerStepBuilder:
    """Registers one handler per trigger type: ``.on_queue(fn).on_http(fn).handlers()`` or ``.handlers({...})``."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self._handlers: dict[str, Callable[..., Awaitable[Any]]] = {}

    def on_queue(self, handler: Callable[..., Any]) -> MultiTriggerStepBuilder:
        return self._on("queue", handler)

    def on_http(self, handler: Callable[..., Any]) -> MultiTriggerStepBuilder:
        return self._on("http", handler)

    def on_api(self, handler: Callable[..., Any]) -> MultiTriggerStepBuilder:
        return self._on("http", handler)

    def on_cron(self, handler: Callable[..., Any]) -> MultiTriggerStepBuilder:
        return self._on("cron", handler)

    def on_state(self, handler: Callable[..., Any]) -> MultiTriggerStepBuilder:
        return self._on("state", handler)

    def on_stream(self, handler: Callable[..., Any]) -> MultiTriggerStepBuilder:
        return self._on("stream", handler)

    def handlers(self, handlers: dict[str, Callable[..., Any]] | None = None) -> StepDefinition:
        for kind, handler in (handlers or {}).items():
            self._on("http" if kind == "api" else kind, handler)
        chosen = dict(self._handlers)

        async def dispatch(input_data: Any, ctx: Any) -> Any:
            kind = ctx.trigger.type
            handler = chosen.get(kind)
            if handler is None:
                raise MotiaError(f"no handler for the {kind} trigger (handlers: {', '.join(chosen) or 'none'}): add .on_{kind}(...)", code="NO_MATCH")
            result = handler(ctx) if kind == "cron" else handler(input_data, ctx)
            return await result if inspect.isawaitable(result) else result

        return StepDefinition(config=self.config, handler=dispatch)

    def _on(self, kind: str, handler: Callable[..., Any]) -> MultiTriggerStepBuilder:
        self._handlers[kind] = handler
        return self


def multi_trigger_step(config: StepConfig | dict[str, Any]) -> MultiTriggerStepBuilder:
    return MultiTriggerStepBuilder(StepConfig.model_validate(config))
