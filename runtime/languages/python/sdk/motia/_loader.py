"""Imports step and stream files and keeps what the worker needs to run them.

Each file is imported as a module of a synthetic package rooted at the project
(``__motia_project__.steps.orders.create_order_step``), so relative imports between step files
work; the project root is also on ``sys.path``, so ``from lib.x import y`` does too. Importing a
file runs its top level (as it does in Motia) but no handler.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import traceback
import types
from typing import Any, Callable

from ._wire import WireStep, step_to_wire, stream_hooks, stream_to_wire
from .errors import MotiaError
from .step import StepDefinition

PACKAGE = "__motia_project__"


class LoadedStep:
    def __init__(self, file: str, config: dict[str, Any], handler: Callable[..., Any] | None, kept: WireStep) -> None:
        self.file = file
        self.config = config
        self.handler = handler
        self.kept = kept


class LoadedStream:
    def __init__(self, file: str, config: dict[str, Any], hooks: dict[str, Callable[..., Any]]) -> None:
        self.file = file
        self.config = config
        self.hooks = hooks


class Loader:
    def __init__(self) -> None:
        self.root = os.getcwd()
        self.steps: dict[str, LoadedStep] = {}
        self.streams: dict[str, LoadedStream] = {}

    def set_root(self, root: str) -> None:
        self.root = os.path.abspath(root)
        if self.root not in sys.path:
            sys.path.insert(1, self.root)
        package = types.ModuleType(PACKAGE)
        package.__path__ = [self.root]  # type: ignore[attr-defined]
        sys.modules[PACKAGE] = package

    def load_step(self, file: str) -> dict[str, Any]:
        module = self._import(file)
        where = self._relative(file)
        config, handler = _exports(module, where)
        wire, kept = step_to_wire(config, where)
        if handler is None and wire.get("type") != "noop":
            raise MotiaError(f"{where} defines config but no handler: add `async def handler(input, ctx): ...` (or export step(config, handler))", code="CONFIG_ERROR")
        if handler is not None and not callable(handler):
            raise MotiaError(f"{where}: handler must be a function, got {type(handler).__name__}", code="CONFIG_ERROR")
        self.steps[file] = LoadedStep(file, wire, handler, kept)
        return {"config": wire}

    def load_stream(self, file: str) -> dict[str, Any]:
        module = self._import(file)
        where = self._relative(file)
        config = getattr(module, "config", None)
        if config is None:
            raise MotiaError(f"{where}: a stream file defines config, e.g. config = StreamConfig(name='todo', schema=Todo)", code="CONFIG_ERROR")
        wire = stream_to_wire(config, where)
        self.streams[file] = LoadedStream(file, wire, stream_hooks(config))
        return {"config": wire}

    def reset(self) -> int:
        """Forgets every module of the project (not installed packages), so the next load runs them again."""
        prefix = self.root + os.sep
        gone = [
            name
            for name, module in list(sys.modules.items())
            if name.startswith(PACKAGE + ".") or _under(getattr(module, "__file__", None), prefix)
        ]
        for name in gone:
            del sys.modules[name]
        importlib.invalidate_caches()
        return len(gone)

    def describe_failure(self, error: BaseException) -> dict[str, Any]:
        """An error frame for a file that failed to import: message, traceback and the line in the project."""
        out: dict[str, Any] = {"name": type(error).__name__, "message": _message(error), "traceback": "".join(traceback.format_exception(error))}
        if isinstance(error, MotiaError):
            out["code"] = error.code
        location = _location(error, self.root)
        if location:
            out["location"] = location
        return out

    # --- internal ---

    def _relative(self, file: str) -> str:
        return os.path.relpath(file, self.root)

    def _import(self, file: str) -> types.ModuleType:
        relative = self._relative(file)
        parts = relative.split(os.sep)
        if parts[0] == "..":
            package = PACKAGE
        else:
            package = ".".join([PACKAGE, *parts[:-1]])
        stem = re.sub(r"\W", "_", parts[-1][: -len(".py")] if parts[-1].endswith(".py") else parts[-1])
        name = f"{package}.{stem}"
        spec = importlib.util.spec_from_file_location(name, file)
        if spec is None or spec.loader is None:
            raise MotiaError(f"{relative} cannot be imported as Python", code="CONFIG_ERROR")
        module = importlib.util.module_from_spec(spec)
        module.__package__ = package
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module


def _exports(module: types.ModuleType, where: str) -> tuple[Any, Any]:
    """``config`` and ``handler``; a StepDefinition (``step(...)``) anywhere at module level works too."""
    config = getattr(module, "config", None)
    handler = getattr(module, "handler", None)
    if isinstance(config, StepDefinition):
        return config.config, config.handler
    if config is not None:
        return config, handler
    definitions = [value for value in vars(module).values() if isinstance(value, StepDefinition)]
    if len(definitions) == 1:
        return definitions[0].config, definitions[0].handler
    if len(definitions) > 1:
        raise MotiaError(f"{where} defines {len(definitions)} steps with step(); a file holds one step", code="CONFIG_ERROR")
    if callable(handler):
        return {}, handler  # as in TypeScript: the folder conventions may be all the config a step needs
    raise MotiaError(f"{where} defines no config: add config = {{'name': ..., 'triggers': [...]}} and a handler", code="CONFIG_ERROR")


def _under(path: str | None, prefix: str) -> bool:
    """A project module: under the root, but not the SDK itself nor an installed package."""
    if not path or not path.startswith(prefix) or _is_sdk(path):
        return False
    return not any(f"{os.sep}{part}{os.sep}" in path for part in ("site-packages", "node_modules", ".venv", "venv"))


def _message(error: BaseException) -> str:
    if isinstance(error, MotiaError):
        return error.message
    if isinstance(error, SyntaxError):
        return f"SyntaxError: {error.msg}"
    return f"{type(error).__name__}: {error}"


def _location(error: BaseException, root: str) -> dict[str, Any] | None:
    if isinstance(error, SyntaxError) and error.filename and error.lineno:
        return {"file": os.path.relpath(error.filename, root), "line": error.lineno, "column": error.offset or 0}
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(root + os.sep) and not _is_sdk(f.filename)]
    if not frames:
        return None
    last = frames[-1]
    return {"file": os.path.relpath(last.filename, root), "line": last.lineno or 0, "column": (last.colno or 0) if hasattr(last, "colno") else 0}


_sdk_dir = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _is_sdk(path: str) -> bool:
    return path.startswith(_sdk_dir)
