"""A step's or stream's config as the runtime reads it: plain JSON, schemas as JSON Schema, and
each function the runtime must call back (a trigger's ``condition``, a stream's hooks) replaced by
``{"$function": name}``. Functions the worker runs itself (http ``middleware``) stay here."""

from __future__ import annotations

from typing import Any, Callable

from .errors import MotiaError
from .schema import is_model_class, schema_to_json_schema
from .types import Record

_schema_fields = {"input", "bodySchema", "body_schema", "schema"}
_queue_options = {
    "max_retries": "maxRetries",
    "visibility_timeout_ms": "visibilityTimeoutMs",
    "timeout_ms": "timeoutMs",
    "backoff_type": None,
    "backoff_delay_ms": None,
}


class WireStep:
    """What the worker keeps of a loaded step besides its wire config."""

    def __init__(self) -> None:
        self.conditions: dict[int, Callable[..., Any]] = {}
        self.middleware: dict[int, list[Callable[..., Any]]] = {}
        self.input_models: dict[int, Any] = {}
        self.legacy_type: str | None = None


def step_to_wire(config: Any, where: str) -> tuple[dict[str, Any], WireStep]:
    """The JSON config of a step and the callables it carries."""
    kept = WireStep()
    source = _as_dict(config, where)
    out: dict[str, Any] = {}
    legacy = source.get("type")
    kept.legacy_type = legacy if isinstance(legacy, str) else None
    for key, value in source.items():
        if key == "triggers" and isinstance(value, (list, tuple)):
            out[key] = [_trigger(t, i, kept, f"{where}: triggers[{i}]") for i, t in enumerate(value)]
        elif key == "middleware":
            # Motia 0.x api steps list middleware at the top level; the worker runs it.
            kept.middleware[0] = _functions(value, f"{where}: middleware")
        elif key in ("enqueues", "emits", "virtualEnqueues", "virtualEmits", "virtual_enqueues"):
            out[_camel(key)] = [_plain(e, f"{where}: {key}") for e in (value or [])]
        else:
            out[_camel(key)] = _field(key, value, f"{where}: {key}")
    if kept.legacy_type == "event" and is_model_class(source.get("input")):
        for i in range(len(source.get("subscribes") or [])):
            kept.input_models[i] = source["input"]
    return out, kept


def stream_to_wire(config: Any, where: str) -> dict[str, Any]:
    source = _as_dict(config, where)
    out: dict[str, Any] = {}
    for key, value in source.items():
        name = _camel(key)
        if name in ("canAccess", "onJoin", "onLeave"):
            if value is not None:
                out[name] = {"$function": name}
        else:
            out[name] = _field(key, value, f"{where}: {key}")
    return out


def stream_hooks(config: Any) -> dict[str, Callable[..., Any]]:
    source = config.to_config() if hasattr(config, "to_config") else dict(config)
    return {_camel(k): v for k, v in source.items() if _camel(k) in ("canAccess", "onJoin", "onLeave") and callable(v)}


# --- internal ---


def _as_dict(config: Any, where: str) -> dict[str, Any]:
    if hasattr(config, "to_config"):
        return config.to_config()
    if isinstance(config, dict):
        return dict(config)
    raise MotiaError(f"{where}: config must be a dict (or StepConfig), got {type(config).__name__}", code="CONFIG_ERROR")


def _trigger(trigger: Any, index: int, kept: WireStep, where: str) -> Any:
    source = trigger.to_config() if hasattr(trigger, "to_config") else trigger
    if not isinstance(source, dict):
        raise MotiaError(f"{where} must be a trigger such as queue('topic') or a dict, got {type(trigger).__name__}", code="CONFIG_ERROR")
    out: dict[str, Any] = {}
    for key, value in source.items():
        name = _camel(key)
        if name == "condition" and value is not None:
            if not callable(value):
                raise MotiaError(f"{where}: condition must be a function (input, ctx) -> bool", code="CONFIG_ERROR")
            kept.conditions[index] = value
            out[name] = {"$function": "condition"}
        elif name == "middleware":
            kept.middleware[index] = _functions(value, f"{where}: middleware")
        elif name == "config" and source.get("type") == "queue":
            out[name] = _queue_config(value)
        else:
            if name == "input" and is_model_class(value):
                kept.input_models[index] = value
            out[name] = _field(key, value, f"{where}: {key}")
    return out


def _field(key: str, value: Any, where: str) -> Any:
    if key in _schema_fields or is_model_class(value):
        schema = schema_to_json_schema(value)
        if value is not None and schema is None:
            raise MotiaError(f"{where} must be a JSON Schema dict or a pydantic model, got {type(value).__name__}", code="CONFIG_ERROR")
        return schema
    if key in ("responseSchema", "response_schema") and isinstance(value, dict):
        return {str(status): _field("schema", schema, f"{where}[{status}]") for status, schema in value.items()}
    if key in ("queryParams", "query_params") and not isinstance(value, (list, tuple)) and value is not None:
        return _field("schema", value, where)
    return _plain(value, where)


def _plain(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Record):
        return {k: _plain(v, f"{where}.{k}") for k, v in value.to_dict().items() if v is not None}
    if is_model_class(value):
        return schema_to_json_schema(value)
    if callable(value):
        raise MotiaError(f"{where} is a function; only a trigger's condition and middleware may be functions", code="CONFIG_ERROR")
    raise MotiaError(f"{where} is a {type(value).__name__}, which a config cannot hold (use str, number, bool, list, dict)", code="CONFIG_ERROR")


def _queue_config(value: Any) -> Any:
    """A ``QueueConfig`` (Motia's names, seconds) or a dict onto the runtime's queue options."""
    source = value.to_dict() if isinstance(value, Record) else dict(value or {})
    out: dict[str, Any] = {}
    for key, item in source.items():
        if item is None:
            continue
        if key == "visibility_timeout":
            out["visibilityTimeoutMs"] = item * 1000
        elif key == "delay_seconds":
            continue
        elif key in _queue_options:
            if _queue_options[key]:
                out[_queue_options[key]] = item
        else:
            out[key] = item
    if source.get("backoff_type") or source.get("backoff_delay_ms") is not None:
        out["backoff"] = {"type": source.get("backoff_type") or "exponential", "delayMs": source.get("backoff_delay_ms") or 1000}
    return out


def _functions(value: Any, where: str) -> list[Callable[..., Any]]:
    items = list(value or [])
    if not all(callable(f) for f in items):
        raise MotiaError(f"{where} must be a list of functions (req, ctx, next)", code="CONFIG_ERROR")
    return items


def _camel(key: str) -> str:
    if "_" not in key.strip("_"):
        return key
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
