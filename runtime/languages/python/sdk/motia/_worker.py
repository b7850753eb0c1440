"""The worker process: one per project, started by the runtime, serving every Python step over the
worker protocol (docs/languages/protocol.md) until its stdin closes or it is told to shut down."""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import sys
import threading
import traceback
from typing import Any

from . import __version__
from ._capture import LineWriter, LogHandler
from ._invoke import invoke
from ._loader import Loader
from ._protocol import PROTOCOL_VERSION, Connection, ProtocolError
from ._run import Run, current_run
from .errors import MotiaError, NonRetriableError

_log_levels = {"debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}


class Worker:
    def __init__(self, loop: asyncio.AbstractEventLoop, protocol_fd: int) -> None:
        self.loop = loop
        self.thread = threading.get_ident()
        self.conn = Connection(loop, protocol_fd, self.on_frame)
        self.loader = Loader()
        self.runs: dict[int, tuple[asyncio.Task[Any], Run]] = {}
        self.stdout: LineWriter | None = None
        self.stderr: LineWriter | None = None

    async def serve(self) -> None:
        await self.conn.open()
        self.stdout = sys.stdout = LineWriter(self.conn, self.thread, "info")  # type: ignore[assignment]
        self.stderr = sys.stderr = LineWriter(self.conn, self.thread, "error")  # type: ignore[assignment]
        root = logging.getLogger()
        root.handlers = [LogHandler(self.conn, self.thread)]
        root.setLevel(logging.INFO)
        self.conn.send({"type": "hello", "protocol": PROTOCOL_VERSION, "language": "python", "languageVersion": platform.python_version(), "sdk": __version__, "pid": os.getpid()})
        await self.conn.closed.wait()

    def on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "invoke" and isinstance(frame.get("id"), int):
            run = Run(frame["id"], self.conn, self.thread)
            task = _start(self.loop, self.invoke(frame, run))
            if not task.done():
                self.runs[frame["id"]] = (task, run)
        elif kind == "load" and isinstance(frame.get("id"), int):
            self.load(frame)
        elif kind == "cancel":
            self.cancel(frame.get("run"))
        elif kind == "reset" and isinstance(frame.get("id"), int):
            self.reply(frame["id"], {"forgotten": self.loader.reset()})
        elif kind == "welcome":
            self.welcome(frame)
        elif kind == "shutdown":
            self.conn.closed.set()
        elif kind in ("invoke", "load", "reset"):
            sys.__stderr__.write(f"motia worker: ignored a {kind!r} frame without a numeric id\n")
        else:
            sys.__stderr__.write(f"motia worker: ignored a {kind!r} frame it does not know\n")

    def welcome(self, frame: dict[str, Any]) -> None:
        if isinstance(frame.get("maxFrameBytes"), int):
            self.conn.max_frame_bytes = frame["maxFrameBytes"]
        if isinstance(frame.get("root"), str):
            self.loader.set_root(frame["root"])
            os.chdir(frame.get("cwd") or frame["root"])
        logging.getLogger().setLevel(_log_levels.get(frame.get("logLevel", "info"), logging.INFO))

    def load(self, frame: dict[str, Any]) -> None:
        file, kind = frame.get("file"), frame.get("kind", "step")
        try:
            if not isinstance(file, str):
                raise MotiaError("a load frame names its file", code="BAD_FRAME")
            value = self.loader.load_stream(file) if kind == "stream" else self.loader.load_step(file)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - a broken file (even one calling sys.exit) is an answer, not a crash
            self.fail(frame["id"], self.loader.describe_failure(error))
            return
        self.reply(frame["id"], value)

    async def invoke(self, frame: dict[str, Any], run: Run) -> None:
        current_run.set(run)
        try:
            value = await invoke(self.loader, frame, run)
        except asyncio.CancelledError:
            return
        except BaseException as error:  # noqa: BLE001 - every failure is the run's error
            self.fail(run.id, describe_error(error))
            return
        finally:
            self.runs.pop(run.id, None)
            for writer in (self.stdout, self.stderr):
                if writer:
                    writer.flush_run(run.id)
        try:
            self.reply(run.id, value)
        except (TypeError, ValueError, ProtocolError) as error:
            self.fail(run.id, {"name": "TypeError", "message": f"the result could not be sent to the runtime: {error}", "traceback": ""})

    def cancel(self, run_id: Any) -> None:
        entry = self.runs.pop(run_id, None) if isinstance(run_id, int) else None
        if entry:
            task, run = entry
            run.cancelled = True
            task.cancel()
        self.conn.send({"type": "cancelled", "run": run_id})

    def reply(self, request_id: int, value: Any) -> None:
        self.conn.send({"type": "result", "id": request_id, "ok": True, "value": value})

    def fail(self, request_id: int, error: dict[str, Any]) -> None:
        self.conn.send({"type": "result", "id": request_id, "ok": False, "error": error})


def _start(loop: asyncio.AbstractEventLoop, coro: Any) -> asyncio.Task[Any]:
    """A task for a run. From Python 3.12 it starts at once and runs until its first await, which
    spares a turn of the loop for handlers that answer without awaiting anything."""
    if sys.version_info >= (3, 12):
        return asyncio.Task(coro, loop=loop, eager_start=True)  # type: ignore[call-arg]
    return loop.create_task(coro)


def describe_error(error: BaseException) -> dict[str, Any]:
    """The error frame of a failed run: its message, its Python traceback, and what the runtime
    needs to treat it as TypeScript errors are treated (``nonRetriable``, ``code``, ``issues``)."""
    out: dict[str, Any] = {"name": type(error).__name__, "message": str(error) or type(error).__name__, "traceback": "".join(traceback.format_exception(error))}
    if isinstance(error, NonRetriableError) or type(error).__name__ == "NonRetriableError":
        out["name"] = "NonRetriableError"
        out["nonRetriable"] = True
    if isinstance(error, MotiaError):
        out["code"] = error.code
        if error.status is not None:
            out["status"] = error.status
        if error.issues is not None:
            out["issues"] = error.issues
    return out


def main() -> None:
    # The protocol keeps the descriptor that was stdout; fd 1 now points at stderr, so nothing a
    # step (or a C library, or a child process) writes to stdout can break a frame.
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    worker = Worker(loop, protocol_fd)
    try:
        loop.run_until_complete(worker.serve())
    except KeyboardInterrupt:
        pass
    os._exit(0)
