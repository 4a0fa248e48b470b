"""A checked file waiting for "确认导入": kept under var/pending/ and named by a random token in the session.

Several web workers on one machine share var/; replicas on several machines would need a shared
directory (or a database table) for this. Files older than a day are removed when a new one arrives.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from starlette.requests import Request

from tracker.config import get_settings

KEY = "pending_upload"
MAX_AGE_S = 24 * 3600


def _dir() -> Path:
    path = get_settings().var_dir / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep(request: Request, *, data: bytes, filename: str) -> str:
    """Store the bytes, remember them in this session, and return the token the confirm form carries."""
    folder = _dir()
    cutoff = time.time() - MAX_AGE_S
    for old in folder.glob("*.bin"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    drop(request)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(data)
    request.session[KEY] = {"token": token, "filename": filename}
    return token


def take(request: Request, token: str) -> tuple[bytes, str] | None:
    """The bytes and file name kept by this session under `token`, or None (gone, or another session's)."""
    held = request.session.get(KEY) or {}
    if not token or not secrets.compare_digest(str(held.get("token", "")), token):
        return None
    path = _dir() / f"{token}.bin"
    if not path.exists():
        return None
    return path.read_bytes(), str(held.get("filename") or "upload")


def drop(request: Request) -> None:
    """Forget this session's kept file and delete it."""
    held = request.session.pop(KEY, None) or {}
    token = str(held.get("token", ""))
    if token and token.replace("-", "").replace("_", "").isalnum():
        (_dir() / f"{token}.bin").unlink(missing_ok=True)
