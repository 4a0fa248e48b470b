"""Files waiting for "确认导入": kept in the database under a random token, for one user, until they expire.

Several stateless web workers (or replicas on several machines) may serve the dry run and the confirm:
the bytes therefore live in the shared database, not on one worker's disk or in its memory. The token
is long and random, bound to the user who checked the file, and is used once; expired rows are
removed whenever a new file is kept. Services never commit: the page's request does.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import Session, col, delete

from tracker.models import PendingFile, utcnow

TTL = timedelta(hours=2)  # long enough to read the summary, short enough not to pile up


def keep(*, session: Session, kind: str, username: str, filename: str, data: bytes) -> str:
    """Store the bytes and return the token the confirm form carries."""
    now = utcnow()
    session.exec(delete(PendingFile).where(col(PendingFile.expires_at) < now))
    token = secrets.token_urlsafe(32)
    session.add(
        PendingFile(
            token=token, kind=kind, username=username, filename=filename, data=data, created_at=now,
            expires_at=now + TTL,
        )
    )  # fmt: skip
    session.flush()
    return token


def take(*, session: Session, kind: str, username: str, token: str) -> PendingFile | None:
    """The kept file under `token` when it is this user's, of this kind and not expired; else None."""
    if not token or len(token) > 64:
        return None
    row = session.get(PendingFile, token)
    if row is None or row.kind != kind or not secrets.compare_digest(row.username, username):
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    return row if expires >= utcnow() else None


def drop(*, session: Session, row: PendingFile) -> None:
    """Forget a kept file once it has been imported (in the same transaction as the import)."""
    session.delete(row)
    session.flush()
