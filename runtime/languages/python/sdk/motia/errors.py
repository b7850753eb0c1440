"""Errors a step sees and raises. They travel over the protocol with their ``code`` (and, for
validation failures, their ``issues``), so the runtime answers an uncaught one exactly as it
answers the same error thrown by a TypeScript step (e.g. 400 for an enqueue its schema refuses).
"""

from __future__ import annotations

from typing import Any


class MotiaError(Exception):
    """An error from the runtime (a refused enqueue, a context call after a run ended, ...)."""

    def __init__(self, message: str, code: str = "MOTIA_ERROR", status: int | None = None, issues: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.issues = issues


class ValidationError(MotiaError):
    """Data did not match a schema; ``issues`` says where and why."""


class NonRetriableError(Exception):
    """Raise it from a queue handler when retrying cannot help: the message goes straight to the
    step's dead-letter queue with this error, as TypeScript's ``NonRetriableError`` does."""


def error_from_frame(error: dict[str, Any]) -> MotiaError:
    """The exception for an error result the runtime sent."""
    message = str(error.get("message") or "the runtime refused the call")
    code = str(error.get("code") or "MOTIA_ERROR")
    kind = ValidationError if code == "VALIDATION_ERROR" else MotiaError
    return kind(message, code=code, status=error.get("status"), issues=error.get("issues"))
