"""Trigger and step guards, as Motia's Python package names them."""

from __future__ import annotations

from typing import Any


def _type_of(trigger: Any) -> str | None:
    kind = trigger.get("type") if isinstance(trigger, dict) else getattr(trigger, "type", None)
    return "http" if kind == "api" else kind


def _triggers_of(step: Any) -> list[Any]:
    config = getattr(step, "config", step)
    triggers = config.get("triggers") if isinstance(config, dict) else getattr(config, "triggers", None)
    return list(triggers or [])


def is_api_trigger(trigger: Any) -> bool:
    return _type_of(trigger) == "http"


def is_queue_trigger(trigger: Any) -> bool:
    return _type_of(trigger) == "queue"


def is_cron_trigger(trigger: Any) -> bool:
    return _type_of(trigger) == "cron"


def is_state_trigger(trigger: Any) -> bool:
    return _type_of(trigger) == "state"


def is_stream_trigger(trigger: Any) -> bool:
    return _type_of(trigger) == "stream"


def is_api_step(step: Any) -> bool:
    return any(is_api_trigger(t) for t in _triggers_of(step))


def is_queue_step(step: Any) -> bool:
    return any(is_queue_trigger(t) for t in _triggers_of(step))


def is_cron_step(step: Any) -> bool:
    return any(is_cron_trigger(t) for t in _triggers_of(step))


def is_state_step(step: Any) -> bool:
    return any(is_state_trigger(t) for t in _triggers_of(step))


def is_stream_step(step: Any) -> bool:
    return any(is_stream_trigger(t) for t in _triggers_of(step))


def get_api_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers_of(step) if is_api_trigger(t)]


def get_queue_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers_of(step) if is_queue_trigger(t)]


def get_cron_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers_of(step) if is_cron_trigger(t)]


def get_state_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers_of(step) if is_state_trigger(t)]


def get_stream_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers_of(step) if is_stream_trigger(t)]
