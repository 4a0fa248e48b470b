"""Signed, expiring bearer tokens for the API (itsdangerous); they name the user and its token version."""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tracker.errors import Unauthorized

_SALT = "tracker.api-token.v1"


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALT)


def issue_token(*, secret: str, username: str, token_version: int) -> str:
    return _serializer(secret).dumps({"u": username, "v": token_version})


def read_token(*, secret: str, token: str, ttl: timedelta) -> tuple[str, int]:
    """(username, token version) of a valid token; Unauthorized when it is forged, malformed or expired."""
    try:
        data = _serializer(secret).loads(token, max_age=int(ttl.total_seconds()))
    except SignatureExpired as exc:
        raise Unauthorized("登录已过期，请重新获取令牌") from exc
    except BadSignature as exc:
        raise Unauthorized("令牌无效") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("v"), int):
        raise Unauthorized("令牌无效")
    return data["u"], data["v"]
