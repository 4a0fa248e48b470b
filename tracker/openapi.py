"""The OpenAPI document says what the API really answers: every error is `{"error", "detail", …}`.

FastAPI documents only the success status and its own validation body (`detail` as an array), while
every error here goes through the JSON handlers in main.py. This rewrites the document once: one
`Error` schema, used by every 4xx/5xx an operation can give.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field

from tracker import limits

if TYPE_CHECKING:
    from fastapi import FastAPI

# FastAPI itself is imported where the document is made, not here: the request types below are read by
# every service's schemas, and a command (`tracker actuals upload`) should not pay a third of a second to
# import a web framework it never starts.


def _iso(value: Any) -> Any:
    """Only YYYY-MM-DD, as the document says (pydantic alone would read `0` or `true` as 1970-01-01)."""
    if isinstance(value, int | float) or (
        isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip())
    ):
        raise ValueError("日期应写成 YYYY-MM-DD，如 2024-03-31")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso)]
# Numbers in request bodies: JSON integers only (pydantic would read `true` as 1), within what is stored
# (a row id beyond PostgreSQL's INTEGER, or SQLite's 64 bits, was a 500).
RowId = Annotated[int, Field(strict=True, ge=1, le=limits.MAX_ID)]
Year = Annotated[int, Field(strict=True, ge=limits.MIN_YEAR, le=limits.MAX_YEAR)]

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "错误类别，如 InvalidInput、NotFound、Forbidden"},
        "detail": {"type": "string", "description": "给人看的说明（中文），指出哪里、什么错了"},
        "rows": {
            "type": "array",
            "description": "上传被拒绝时逐行列出的错误",
            "items": {
                "type": "object",
                "required": ["row", "column", "message"],
                "properties": {
                    "row": {
                        "anyOf": [{"type": "integer"}, {"type": "null"}],
                        "description": "行号；整个文件的问题为 null",
                    },
                    "column": {"type": "string"},
                    "message": {"type": "string"},
                    "sheet": {"type": "string", "description": "工作簿的工作表名（CSV 无此项）"},
                },
            },
        },
        "line": {"type": "integer", "description": "目标表出错的行号（导入目标表被拒绝时）"},
    },
    "additionalProperties": True,
}
# What any operation may answer besides its success: sign-in, scope, validation, conflicts, limits,
# the sign-in lock-out, and the database being unavailable (a failed commit is a 503, never a 2xx).
ERRORS = {
    "400": "请求有误",
    "401": "未登录或令牌无效",
    "403": "无权操作",
    "404": "不存在（或不在本单位范围内）",
    "405": "方法不允许",
    "409": "冲突（如季度已锁定）",
    "413": "文件过大",
    "422": "输入不合规",
    "429": "登录失败次数过多，暂时锁定",
    "503": "数据库暂不可用，未写入任何数据",
}
_REF = {"$ref": "#/components/schemas/Error"}


def document_errors(app: FastAPI) -> None:
    """Make `app.openapi()` describe the error bodies and statuses the handlers actually send."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            doc = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            schemas["Error"] = ERROR_SCHEMA
            for item in doc.get("paths", {}).values():
                for operation in item.values():
                    responses = operation.setdefault("responses", {})
                    for status, text in ERRORS.items():
                        responses[status] = {
                            "description": responses.get(status, {}).get("description", text),
                            "content": {"application/json": {"schema": _REF}},
                        }
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]


def allowed_methods(app: FastAPI, scope: MutableMapping[str, Any]) -> str:
    """Every method some route of this path takes (the router names only the first route it met)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**scope, "method": "__none__"})
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))
