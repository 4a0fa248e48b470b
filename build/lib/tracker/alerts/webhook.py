"""Webhooks by httpx: WeCom / DingTalk markdown or generic JSON, timeouts, retries with backoff, signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import httpx

from tracker.alerts.config import Webhook
from tracker.alerts.smtp import SendError

SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The generic signature: hex HMAC-SHA256 of `timestamp.body` with the endpoint's secret."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _request(hook: Webhook, body: bytes, now: float) -> tuple[str, dict[str, str]]:
    url = hook.url
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if hook.secret:
        timestamp = str(int(now * 1000))
        if hook.format == "dingtalk":  # DingTalk's own scheme: timestamp and sign in the query
            digest = hmac.new(hook.secret.encode(), f"{timestamp}\n{hook.secret}".encode(), hashlib.sha256).digest()
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}timestamp={timestamp}&sign={quote_plus(base64.b64encode(digest).decode())}"
        else:
            headers[TIMESTAMP_HEADER] = timestamp
            headers[SIGNATURE_HEADER] = sign(hook.secret, timestamp, body)
    return url, headers


def _check(hook: Webhook, response: httpx.Response) -> tuple[str | None, bool]:
    """(error, permanent): None when delivered. Chat robots answer 200 with an errcode on failure."""
    if response.status_code == 429 or response.status_code >= 500:
        return f"HTTP {response.status_code}", False
    if response.status_code >= 400:
        return f"HTTP {response.status_code}：{response.text[:200]}", True
    if hook.format in ("wecom", "dingtalk"):
        try:
            errcode = response.json().get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0
        if errcode not in (0, None):
            return f"errcode {errcode}：{response.text[:200]}", False
    return None, False


def post(
    client: httpx.Client,
    hook: Webhook,
    payload: dict[str, Any],
    *,
    attempts: int,
    backoff: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST with up to `attempts` tries, waiting backoff × 2^n between them; SendError if none got through."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    error = "未发送"
    for n in range(attempts):
        url, headers = _request(hook, body, time.time())
        try:
            response = client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}：{exc}"
        else:
            problem, permanent = _check(hook, response)
            if problem is None:
                return
            if permanent:
                raise SendError(f"Webhook {hook.name} 拒绝：{problem}", permanent=True)
            error = problem
        if n + 1 < attempts:
            sleep(backoff * 2**n)
    raise SendError(f"Webhook {hook.name} 发送失败（{attempts}次）：{error}")
