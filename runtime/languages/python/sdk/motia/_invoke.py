"""Runs one ``invoke``: turns the runtime's input into what Motia's Python API hands a function
(``ApiRequest``, ``StateTriggerInput``, ...), builds the ``FlowContext`` and calls the function.
``async def`` functions run on the event loop; plain ``def`` functions in a thread, so a blocking
handler never stalls the other steps."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ._loader import Loader, LoadedStep
from ._run import Run
from .context import FlowContext
from .errors import MotiaError
from .streams import StreamSubscription
from .types import ApiRequest, DotDict, StateTriggerInput, StreamEvent, StreamTriggerInput

executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="motia-step")


async def invoke(loader: Loader, frame: dict[str, Any], run: Run) -> Any:
    function = frame.get("function")
    file = frame.get("file")
    if function in ("canAccess", "onJoin", "onLeave"):
        return await _stream_hook(loader, file, function, frame, run)
    step = loader.steps.get(file)  # type: ignore[arg-type]
    if step is None:
        raise MotiaError(f"{file} is not loaded in this worker: load it first", code="NOT_LOADED")
    info = frame.get("context") or {}
    trigger = info.get("trigger") or {}
    index = trigger.get("index", 0)
    value = _input_for(step, trigger.get("type"), index, frame.get("input"))
    ctx = FlowContext(run, info, value)
    if function == "condition":
        condition = step.kept.conditions.get(index)
        if condition is None:
            raise MotiaError(f"{file}: trigger #{index + 1} has no condition", code="NOT_FOUND")
        return bool(await call(condition, value, ctx))
    if function != "handler":
        raise MotiaError(f"unknown function {function!r}: expected handler, condition, canAccess, onJoin or onLeave", code="BAD_FRAME")
    if step.handler is None:
        return None
    if step.kept.legacy_type == "cron":
        return await call(step.handler, ctx)  # Motia 0.x cron handlers take only the context
    middleware = step.kept.middleware.get(index if step.kept.legacy_type is None else 0) or []
    if middleware and trigger.get("type") == "http":
        return _response(await _through(middleware, value, ctx, lambda: call(step.handler, value, ctx)))  # type: ignore[arg-type]
    result = await call(step.handler, value, ctx)
    return _response(result) if trigger.get("type") == "http" else result


async def call(fn: Callable[..., Any], *args: Any) -> Any:
    """Calls ``fn`` with as many of ``args`` as it takes (Motia's handlers take ``(input)`` or
    ``(input, ctx)``); sync functions run in a thread that carries the run's context."""
    arity, is_async = _shape(fn)
    args = args[:arity]
    if is_async:
        return await fn(*args)
    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(executor, contextvars.copy_context().run, fn, *args)
    return await result if inspect.isawaitable(result) else result


# --- internal ---


def _input_for(step: LoadedStep, kind: str | None, index: int, raw: Any) -> Any:
    if kind == "http":
        raw = raw or {}
        return ApiRequest(raw.get("pathParams"), raw.get("queryParams"), raw.get("body"), raw.get("headers"), raw.get("method", ""), raw.get("path", ""))
    if kind == "queue":
        model = step.kept.input_models.get(index)
        if model is not None:
            return model.model_validate(raw)
        return DotDict(raw) if type(raw) is dict else raw
    if kind == "cron":
        return None
    if kind == "state":
        raw = raw or {}
        return StateTriggerInput(raw.get("group", ""), raw.get("key", ""), raw.get("oldValue"), raw.get("newValue"), raw.get("event", "updated"))
    if kind == "stream":
        raw = raw or {}
        event = raw.get("event") or {}
        return StreamTriggerInput(raw.get("streamName", ""), raw.get("groupId", ""), raw.get("id", ""), StreamEvent(event.get("type", ""), event.get("data")), raw.get("timestamp", 0))
    return DotDict(raw) if type(raw) is dict else raw


async def _through(middleware: list[Callable[..., Any]], req: Any, ctx: Any, last: Callable[[], Any]) -> Any:
    """Runs http middleware in order; each calls ``await next()`` to go on, or returns a response."""

    async def dispatch(i: int) -> Any:
        if i == len(middleware):
            return await last()
        result = middleware[i](req, ctx, lambda: dispatch(i + 1))
        return await result if inspect.isawaitable(result) else result

    return await dispatch(0)


def _response(result: Any) -> Any:
    """Motia's http results: ``ApiResponse``, a dict with ``status`` (or ``status_code``), or a pydantic model."""
    if isinstance(result, dict) and "status_code" in result and "status" not in result:
        result = {**result, "status": result["status_code"]}
        del result["status_code"]
    return result


async def _stream_hook(loader: Loader, file: Any, function: str, frame: dict[str, Any], run: Run) -> Any:
    stream = loader.streams.get(file)
    hook = stream.hooks.get(function) if stream else None
    if hook is None:
        raise MotiaError(f"{file} has no {function} hook", code="NOT_FOUND")
    raw = frame.get("input") or {}
    sub = raw.get("subscription") or {}
    subscription = StreamSubscription(sub.get("groupId", ""), sub.get("id"), sub.get("streamName"))
    auth = raw.get("authContext")
    if function == "canAccess":
        return bool(await call(hook, subscription, auth))
    ctx = FlowContext(run, frame.get("context") or {})
    result = await call(hook, subscription, ctx, auth)
    return result if function == "onJoin" else None


_shapes: weakref.WeakKeyDictionary[Any, tuple[int, bool]] = weakref.WeakKeyDictionary()


def _shape(fn: Callable[..., Any]) -> tuple[int, bool]:
    """How many positional arguments ``fn`` takes, and whether it is ``async def``; once per function."""
    try:
        known = _shapes.get(fn)
    except TypeError:
        known = None
    if known is None:
        known = (_positional(fn), inspect.iscoroutinefunction(fn))
        try:
            _shapes[fn] = known
        except TypeError:
            pass
    return known


def _positional(fn: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 99
    count = 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            return 99
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            count += 1
    return count
