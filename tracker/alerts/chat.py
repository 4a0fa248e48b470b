"""Chat robots refuse long messages: split WeCom / DingTalk markdown into parts that fit, one project per line.

WeCom limits `markdown.content` to 4,096 bytes of UTF-8; DingTalk refuses a request body over 20,000
bytes. Each part carries the subject, its number (第k/n部分) and how many projects it names, so a
reader of any one part knows what is missing. A single line longer than the limit is cut, never sent
whole (the robot would refuse the part and so every project in it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tracker.alerts.compose import Composed, Item

_CUT = "…"


def _payload(fmt: str, title: str, markdown: str) -> dict[str, Any]:
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}


def size(fmt: str, payload: dict[str, Any]) -> int:
    """The bytes the robot counts: WeCom the content, DingTalk the body as tracker/alerts/webhook.py sends it."""
    if fmt == "wecom":
        return len(str(payload["markdown"]["content"]).encode())
    return len(json.dumps(payload, ensure_ascii=False).encode())


def _heading(subject: str, part: int, parts: int, count: int) -> str:
    if parts == 1:
        return f"### {subject}"
    return f"### {subject}（第{part}/{parts}部分，本部分{count}个项目）"


def _title(subject: str, part: int, parts: int) -> str:
    return subject if parts == 1 else f"{subject}（{part}/{parts}）"


def _worst(fmt: str, subject: str, lines: Sequence[str]) -> int:
    """The size of a part with these lines under the longest heading and title any part can get."""
    body = "\n".join([_heading(subject, 999, 999, 9999), *lines])
    return size(fmt, _payload(fmt, _title(subject, 999, 999), body))


def _fit_line(fmt: str, line: str, limit: int, subject: str) -> str:
    """Cut one line so that a part holding only it fits."""
    if _worst(fmt, subject, [line]) <= limit:
        return line
    while line and _worst(fmt, subject, [line + _CUT]) > limit:
        line = line[: max(0, len(line) - max(1, len(line) // 10))]
    return line + _CUT


def split(fmt: str, composed: Composed, *, limit: int) -> list[tuple[dict[str, Any], list[Item]]]:
    """The payloads to send, each with the projects it names; one payload when all fits."""
    lines = [(item, _fit_line(fmt, text, limit, composed.subject)) for item, text in composed.lines]
    whole = _payload(fmt, composed.subject, "\n".join([_heading(composed.subject, 1, 1, 0), *(t for _, t in lines)]))
    if size(fmt, whole) <= limit:
        return [(whole, [i for i, _ in lines])]
    # Sizes add up line by line (each adds "\n" + itself, escaped the same way wherever it stands).
    empty = _worst(fmt, composed.subject, [])
    groups: list[list[tuple[Item, str]]] = [[]]
    used = empty
    for entry in lines:
        cost = _worst(fmt, composed.subject, [entry[1]]) - empty
        if groups[-1] and used + cost > limit:
            groups.append([])
            used = empty
        groups[-1].append(entry)
        used += cost
    out = []
    for n, group in enumerate(groups, start=1):
        heading = _heading(composed.subject, n, len(groups), len(group))
        markdown = "\n".join([heading, *(t for _, t in group)])
        out.append((_payload(fmt, _title(composed.subject, n, len(groups)), markdown), [i for i, _ in group]))
    return out


Part = tuple[dict[str, Any], list[Item]]  # a payload and the projects it names


def parts_of(fmt: str, composed: Composed, items: Sequence[Item], *, limit: int) -> list[Part]:
    """Split chat formats; a message without markdown lines (none should be) is sent as one."""
    if not composed.lines:
        return [(_payload(fmt, composed.subject, f"### {composed.subject}"), list(items))]
    return split(fmt, composed, limit=limit)
