"""The worker's end of the Motia worker protocol (docs/languages/protocol.md).

Frames are JSON objects, one per line, read from stdin and written to the file descriptor that
was stdout when the worker started (the worker points fd 1 at stderr, so a stray ``print`` or a C
library writing to stdout can never corrupt a frame). Every frame is written from the event loop's
thread; other threads hand theirs over with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime
import decimal
import enum
import json
import math
import os
import sys
import uuid
from typing import Any, Callable

PROTOCOL_VERSION = 1
DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024


class ProtocolError(Exception):
    """A frame could not be encoded (too large, or holding a value JSON cannot carry)."""


def to_jsonable(value: Any) -> Any:
    """``json.dumps`` default: the values handlers commonly return, as JSON would carry them."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        return dump(mode="json", by_alias=True)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return to_dict()
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (decimal.Decimal,)):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"a {type(value).__name__} cannot be sent as JSON")


def _frame_encoder() -> Callable[[Any], str]:
    """The encoder every frame goes through. ``json.dumps`` builds a C encoder (and a dict of
    seen objects) per call, which costs more than encoding a small frame: this builds it once.
    ASCII output also keeps lone surrogates safe; NaN is refused here and sent as null below."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator
        return json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=to_jsonable, allow_nan=False).encode
    encoder = make(None, to_jsonable, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, False)
    return lambda value: "".join(encoder(value, 0))


def _frame_decoder() -> Callable[[str], Any]:
    """Parses one frame: the C scanner straight away (a frame starts with "{", no whitespace)."""
    scan = json.JSONDecoder().scan_once

    def decode(text: str) -> Any:
        value, end = scan(text, 0)
        if end != len(text) and text[end:].strip():
            raise ValueError(f"extra data after the frame at character {end}")
        return value

    return decode


_encode_text = _frame_encoder()
decode = _frame_decoder()


def encode(frame: dict[str, Any]) -> bytes:
    """One frame as a line of ASCII JSON."""
    try:
        text = _encode_text(frame)
    except ValueError:
        # NaN and infinities are not JSON: they travel as null, as JSON.stringify sends them.
        text = _encode_text(_finite(frame))
    except RecursionError:
        raise TypeError("a value that contains itself cannot be sent as JSON") from None
    return text.encode("ascii") + b"\n"


class Connection:
    """Reads frames from stdin, writes frames to the protocol descriptor, and pairs requests the
    worker sends (``call``) with their ``result``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, out_fd: int, on_frame: Callable[[dict[str, Any]], None]) -> None:
        self.loop = loop
        self.max_frame_bytes = DEFAULT_MAX_FRAME_BYTES
        self._out = os.fdopen(out_fd, "wb", buffering=0)
        self._transport: asyncio.WriteTransport | None = None
        self._on_frame = on_frame
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any] | concurrent.futures.Future[Any]] = {}
        self._outbox: list[bytes] = []
        self.closed = asyncio.Event()

    async def open(self) -> None:
        self._transport, _ = await self.loop.connect_write_pipe(asyncio.Protocol, self._out)
        reader = _LineReader(self._frame_in, self.closed.set)
        await self.loop.connect_read_pipe(lambda: reader, os.fdopen(0, "rb", buffering=0))

    # --- sending (event loop thread) ---

    def send(self, frame: dict[str, Any]) -> None:
        data = encode(frame)
        if len(data) > self.max_frame_bytes:
            raise ProtocolError(f"a {frame.get('type')} frame of {len(data)} bytes is over the protocol's limit of {self.max_frame_bytes} bytes")
        # Frames of one turn of the loop go out in one write.
        if not self._outbox:
            self.loop.call_soon(self._flush)
        self._outbox.append(data)

    def _flush(self) -> None:
        data = b"".join(self._outbox)
        self._outbox.clear()
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    def send_threadsafe(self, frame: dict[str, Any]) -> None:
        self.loop.call_soon_threadsafe(self._send_quietly, frame)

    def request(self, frame: dict[str, Any]) -> asyncio.Future[Any]:
        """Sends a request from the event loop's thread; the future holds its result."""
        future: asyncio.Future[Any] = self.loop.create_future()
        self._next_id += 1
        self._pending[self._next_id] = future
        try:
            self.send({**frame, "id": self._next_id})
        except Exception:
            del self._pending[self._next_id]
            raise
        return future

    def request_blocking(self, frame: dict[str, Any]) -> Any:
        """Sends a request from another thread and waits for its result there."""
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def start() -> None:
            self._next_id += 1
            self._pending[self._next_id] = future
            try:
                self.send({**frame, "id": self._next_id})
            except Exception as error:  # noqa: BLE001 - handed to the waiting thread
                del self._pending[self._next_id]
                future.set_exception(error)

        self.loop.call_soon_threadsafe(start)
        return future.result()

    # --- receiving ---

    def _frame_in(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "result" and isinstance(frame.get("id"), int):
            self._settle(frame)
        else:
            self._on_frame(frame)

    def _settle(self, frame: dict[str, Any]) -> None:
        future = self._pending.pop(frame["id"], None)
        if future is None or future.done():
            return
        if frame.get("ok"):
            future.set_result(frame.get("value"))
        else:
            from .errors import error_from_frame

            future.set_exception(error_from_frame(frame.get("error") or {}))

    def _send_quietly(self, frame: dict[str, Any]) -> None:
        try:
            self.send(frame)
        except Exception as error:  # noqa: BLE001 - a log line that cannot be sent must not kill the loop
            sys.__stderr__.write(f"motia worker: could not send a {frame.get('type')} frame: {error}\n")


# --- internal ---


class _LineReader(asyncio.Protocol):
    def __init__(self, on_frame: Callable[[dict[str, Any]], None], on_eof: Callable[[], None]) -> None:
        self._partial = b""
        self._on_frame = on_frame
        self._on_eof = on_eof

    def data_received(self, data: bytes) -> None:
        if self._partial:
            data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        for line in lines:
            if line:
                self._line(line)

    def eof_received(self) -> bool:
        self._on_eof()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._on_eof()

    def _line(self, line: bytes) -> None:
        try:
            frame = decode(line.decode("utf-8"))
        except (ValueError, StopIteration, UnicodeDecodeError):
            sys.__stderr__.write(f"motia worker: ignored a line that is not JSON: {line[:200]!r}\n")
            return
        if not isinstance(frame, dict):
            sys.__stderr__.write(f"motia worker: ignored a frame that is not an object: {line[:200]!r}\n")
            return
        self._on_frame(frame)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
