"""State: ``ctx.state`` and the module-level ``stateManager``. Every call goes to the runtime's
state store (the same one TypeScript steps use, embedded or Redis) and may fire state steps. In an
``async def`` handler the methods return awaitables; in a plain ``def`` handler, the result."""

from __future__ import annotations

from typing import Any

from ._run import Run, require_run


class StateManager:
    def __init__(self, run: Run | None = None) -> None:
        self._run = run

    def get(self, group: str, key: str) -> Any:
        return self._call("get", group, key)

    def set(self, group: str, key: str, value: Any) -> Any:
        """Stores the value; answers it."""
        return self._call("set", group, key, value)

    def update(self, group: str, key: str, ops: list[dict[str, Any]]) -> Any:
        """Applies atomic ops in order: ``{"type": "increment", "path": "count", "by": 1}``,
        ``set``, ``merge``, ``decrement``, ``remove``. Answers the new value."""
        return self._call("update", group, key, ops)

    def delete(self, group: str, key: str) -> Any:
        """Removes the key; answers the value it had."""
        return self._call("delete", group, key)

    def list(self, group: str) -> Any:
        """The values of a group."""
        return self._call("list", group)

    def get_group(self, group: str) -> Any:
        return self._call("list", group)

    def entries(self, group: str) -> Any:
        """The ``{"key": ..., "value": ...}`` pairs of a group."""
        return self._call("entries", group)

    def list_groups(self) -> Any:
        return self._call("listGroups")

    def clear(self, group: str) -> Any:
        return self._call("clear", group)

    getGroup = get_group  # noqa: N815 - Motia 0.x spelling
    listGroups = list_groups  # noqa: N815

    def _call(self, op: str, *args: Any) -> Any:
        run = self._run or require_run(f"stateManager.{op}")
        return run.call(f"state.{op}", *args)


stateManager = StateManager()  # noqa: N816 - Motia's name
