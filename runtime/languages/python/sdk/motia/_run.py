"""The step run a piece of code belongs to. Handlers, their threads and the tasks they start
inherit it through a ContextVar, which is what lets module-level ``logger``, ``enqueue``,
``stateManager`` and ``Stream(...)`` act for the running step."""

from __future__ import annotations

import threading
from contextvars import ContextVar
from typing import Any

from ._protocol import Connection
from .errors import MotiaError

LEVELS = ("debug", "info", "warn", "error")


class Run:
    """One invocation: its id (the invoke request's id) and the connection its calls go over."""

    __slots__ = ("id", "conn", "loop_thread", "cancelled")

    def __init__(self, run_id: int, conn: Connection, loop_thread: int) -> None:
        self.id = run_id
        self.conn = conn
        self.loop_thread = loop_thread
        self.cancelled = False

    def call(self, method: str, *args: Any) -> Any:
        """A context call. On the event loop's thread: a future, already sent, to await (the call
        happens even if nobody awaits it, as Motia's ``enqueue(...)`` without ``await`` does). On
        any other thread (a sync handler): the result itself."""
        if self.cancelled:
            raise MotiaError(f"the run was cancelled (it timed out or the runtime stopped): {method} was not sent", code="RUN_ENDED")
        frame = {"type": "call", "run": self.id, "method": method, "args": list(args)}
        if threading.get_ident() == self.loop_thread:
            return self.conn.request(frame)
        return self.conn.request_blocking(frame)

    def log(self, level: str, msg: Any, fields: dict[str, Any] | None = None) -> None:
        send_log(self.conn, self.loop_thread, self.id, level, msg, fields)


current_run: ContextVar[Run | None] = ContextVar("motia_run", default=None)


def require_run(member: str) -> Run:
    run = current_run.get()
    if run is None:
        raise MotiaError(
            f"{member} from motia was used outside a running step: use it inside a handler (or take it from the handler's ctx)",
            code="NO_STEP_CONTEXT",
        )
    return run


def send_log(conn: Connection, loop_thread: int, run_id: int | None, level: str, msg: Any, fields: dict[str, Any] | None) -> None:
    frame: dict[str, Any] = {"type": "log", "run": run_id, "level": level if level in LEVELS else "info", "msg": msg if isinstance(msg, str) else str(msg)}
    if fields:
        frame["fields"] = fields
    if threading.get_ident() == loop_thread:
        _deliver(conn, frame)
    else:
        conn.loop.call_soon_threadsafe(_deliver, conn, frame)


# --- internal ---


def _deliver(conn: Connection, frame: dict[str, Any]) -> None:
    """Sends a log line; fields JSON cannot carry are sent as their repr, an oversized line cut."""
    try:
        conn.send(frame)
        return
    except Exception:  # noqa: BLE001 - retried below in a form that always encodes
        pass
    fields = {str(k): v if isinstance(v, (str, int, float, bool, type(None))) else repr(v)[:10_000] for k, v in (frame.get("fields") or {}).items()}
    conn.send({**frame, "msg": frame["msg"][:100_000], "fields": fields})
