"""Domain errors carry their HTTP status; one handler renders them as JSON."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An expected error: a 4xx (503 when the database is busy) with a JSON body, never a 500."""

    status_code = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "detail": self.detail, **self.extra}


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Unauthorized(DomainError):
    status_code = 401


class Conflict(DomainError):
    status_code = 409


class InvalidInput(DomainError):
    status_code = 422


class TooLarge(DomainError):
    """A file beyond the upload limit (TRACKER_UPLOAD_MAX_BYTES), as the body-size check answers it."""

    status_code = 413


class Unavailable(DomainError):
    """The database (or another service) could not take the work now; nothing was kept, retry later."""

    status_code = 503
