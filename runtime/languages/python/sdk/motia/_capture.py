"""``print`` and the ``logging`` module inside a step become log lines of that step's run (its
trace and span); outside any run they are lines of the worker. Nothing a step writes can reach
the protocol descriptor."""

from __future__ import annotations

import io
import logging
import threading
from typing import Any

from ._protocol import Connection
from ._run import current_run, send_log

_levels = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error", logging.CRITICAL: "error"}


class LineWriter(io.TextIOBase):
    """A text stream that sends each complete line as a log frame of the current run."""

    def __init__(self, conn: Connection, loop_thread: int, level: str) -> None:
        self._conn = conn
        self._loop_thread = loop_thread
        self._level = level
        self._lock = threading.Lock()
        self._partial: dict[int | None, str] = {}

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        # Children started with stdout=sys.stdout write to stderr, which the runtime logs.
        return 2

    def write(self, text: str) -> int:
        run = current_run.get()
        run_id = run.id if run else None
        with self._lock:
            pending = self._partial.pop(run_id, "") + text
            *lines, rest = pending.split("\n")
            if rest:
                self._partial[run_id] = rest
        for line in lines:
            send_log(self._conn, self._loop_thread, run_id, self._level, line, None)
        return len(text)

    def flush(self) -> None:
        run = current_run.get()
        self.flush_run(run.id if run else None)

    def flush_run(self, run_id: int | None) -> None:
        if run_id not in self._partial:
            return
        with self._lock:
            rest = self._partial.pop(run_id, "")
        if rest:
            send_log(self._conn, self._loop_thread, run_id, self._level, rest, None)


class LogHandler(logging.Handler):
    """Routes Python ``logging`` records to the runtime, with the logger name and any traceback."""

    def __init__(self, conn: Connection, loop_thread: int) -> None:
        super().__init__()
        self._conn = conn
        self._loop_thread = loop_thread

    def emit(self, record: logging.LogRecord) -> None:
        try:
            run = current_run.get()
            fields: dict[str, Any] = {"logger": record.name}
            if record.exc_info:
                fields["traceback"] = logging.Formatter().formatException(record.exc_info)
            send_log(self._conn, self._loop_thread, run.id if run else None, _levels.get(record.levelno, "info"), record.getMessage(), fields)
        except Exception:  # noqa: BLE001 - logging must never raise into the step
            self.handleError(record)
