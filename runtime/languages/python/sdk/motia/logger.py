"""``logger``: the running step's logger, also importable at module level (``from motia import
logger``). Lines carry the step, its flows and the trace id, and land in the trace's span."""

from __future__ import annotations

from typing import Any

from ._run import Run, require_run


class Logger:
    """``info|warn|error|debug(message, fields)``; ``fields`` is a dict (other values are logged
    under ``data``), keyword arguments are fields too."""

    def __init__(self, run: Run | None = None) -> None:
        self._run = run

    def debug(self, msg: Any, fields: Any = None, **kwargs: Any) -> None:
        self._write("debug", msg, fields, kwargs)

    def info(self, msg: Any, fields: Any = None, **kwargs: Any) -> None:
        self._write("info", msg, fields, kwargs)

    def warn(self, msg: Any, fields: Any = None, **kwargs: Any) -> None:
        self._write("warn", msg, fields, kwargs)

    warning = warn

    def error(self, msg: Any, fields: Any = None, **kwargs: Any) -> None:
        self._write("error", msg, fields, kwargs)

    critical = error

    def _write(self, level: str, msg: Any, fields: Any, extra: dict[str, Any]) -> None:
        run = self._run or require_run("logger")
        data: dict[str, Any] = {}
        if isinstance(fields, dict):
            data.update(fields)
        elif fields is not None:
            data["data"] = fields
        data.update(extra)
        run.log(level, msg, data or None)


logger = Logger()
