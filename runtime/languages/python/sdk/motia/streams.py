"""Streams: ``Stream("todo")`` at module level (Motia 1.0) or ``ctx.streams.todo`` (0.x). Each
call goes to the runtime's stream store, validated against the stream's schema there, and
reaches subscribed clients. In an ``async def`` handler the methods return awaitables; in a plain
``def`` handler they return the result directly."""

from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

from ._run import Run, require_run
from .types import Record

TData = TypeVar("TData")


class StreamSubscription(Record):
    _aliases = {"groupId": "group_id", "streamName": "stream_name"}

    def __init__(self, group_id: str, id: str | None = None, stream_name: str | None = None) -> None:  # noqa: A002
        self.group_id = group_id
        self.id = id
        self.stream_name = stream_name


class StreamAuthInput(Record):
    def __init__(self, headers: dict[str, Any] | None = None, path: str = "", query_params: dict[str, Any] | None = None, addr: str = "") -> None:
        self.headers = headers or {}
        self.path = path
        self.query_params = query_params or {}
        self.addr = addr


class StreamAuthResult(Record):
    def __init__(self, authorized: bool = True, context: Any = None) -> None:
        self.authorized = authorized
        self.context = context


class StreamConfig(Record):
    """A stream definition, for ``*_stream.py`` / ``*.stream.py`` files: ``config = StreamConfig(name="todo", schema=Todo)``."""

    _aliases = {"baseConfig": "base_config", "canAccess": "can_access", "onJoin": "on_join", "onLeave": "on_leave"}

    def __init__(
        self,
        name: str,
        schema: Any = None,
        base_config: dict[str, Any] | None = None,
        can_access: Callable[..., Any] | None = None,
        on_join: Callable[..., Any] | None = None,
        on_leave: Callable[..., Any] | None = None,
    ) -> None:
        self.name = name
        self.schema = schema
        self.base_config = base_config
        self.can_access = can_access
        self.on_join = on_join
        self.on_leave = on_leave

    def to_config(self) -> dict[str, Any]:
        wire = {"base_config": "baseConfig", "can_access": "canAccess", "on_join": "onJoin", "on_leave": "onLeave"}
        return {wire.get(k, k): v for k, v in self.to_dict().items() if v is not None}


class Stream(Generic[TData]):
    """A handle on one stream. ``run`` binds it to a run (``ctx.streams``); without it, each call
    acts for the step running at that moment."""

    def __init__(self, config: StreamConfig | str, run: Run | None = None) -> None:
        self.config = config if isinstance(config, StreamConfig) else StreamConfig(name=config)
        self.stream_name = self.config.name
        self._run = run

    def get(self, group_id: str, item_id: str) -> Any:
        return self._call("get", group_id, item_id)

    def set(self, group_id: str, item_id: str, data: TData) -> Any:
        """Stores the item; answers ``{"new_value": ..., "old_value": ...}``."""
        return self._call("set", group_id, item_id, data)

    def update(self, group_id: str, item_id: str, ops: list[dict[str, Any]]) -> Any:
        """Applies state's atomic ops (set, merge, increment, decrement, remove) to the item."""
        return self._call("update", group_id, item_id, ops)

    def delete(self, group_id: str, item_id: str) -> Any:
        return self._call("delete", group_id, item_id)

    def get_group(self, group_id: str) -> Any:
        return self._call("getGroup", group_id)

    def list(self, group_id: str) -> Any:
        return self._call("getGroup", group_id)

    def list_groups(self) -> Any:
        return self._call("listGroups")

    def send(self, channel: dict[str, Any] | StreamSubscription, event: dict[str, Any]) -> Any:
        """Sends an ephemeral event ``{"type": ..., "data": ...}`` to a group's (or an item's) subscribers."""
        if isinstance(channel, Record):
            channel = channel.to_dict()
        group = channel.get("groupId", channel.get("group_id"))
        target = {"groupId": group, **({"id": channel["id"]} if channel.get("id") is not None else {})}
        return self._call("send", target, event)

    getGroup = get_group  # noqa: N815 - Motia 0.x spelling
    listGroups = list_groups  # noqa: N815

    def _call(self, op: str, *args: Any) -> Any:
        run = self._run or require_run(f"Stream({self.stream_name!r}).{op}")
        return run.call(f"streams.{op}", self.stream_name, *args)


class StreamsAccessor:
    """``ctx.streams``: ``ctx.streams.todo`` or ``ctx.streams["todo"]``."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._handles: dict[str, Stream[Any]] = {}

    def __getattr__(self, name: str) -> Stream[Any]:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> Stream[Any]:
        handle = self._handles.get(name)
        if handle is None:
            handle = self._handles[name] = Stream(name, self._run)
        return handle

    def get(self, name: str, default: Any = None) -> Stream[Any]:
        return self[name]
