"""``enqueue``: sends a message to a topic for the running step (module level or ``ctx.enqueue``).
The runtime checks the topic against the step's ``enqueues`` and the data against every
subscriber's schema before anything is sent, and raises the refusal here."""

from __future__ import annotations

from typing import Any

from ._run import Run, require_run

_names = {"message_group_id": "messageGroupId", "delay_ms": "delayMs"}


def enqueue_for(run: Run, message: Any) -> Any:
    if isinstance(message, dict) and ("message_group_id" in message or "delay_ms" in message):
        message = {_names.get(k, k): v for k, v in message.items()}
    return run.call("enqueue", message)


def enqueue(message: dict[str, Any]) -> Any:
    """``enqueue({"topic": "order.created", "data": {...}})``; awaitable in ``async def`` handlers."""
    return enqueue_for(require_run("enqueue"), message)
