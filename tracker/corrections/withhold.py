"""暂缓拨款: which projects' payments are withheld by an open correction notice (read by the upload checks)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from tracker.models import CorrectionNotice


def withheld(*, session: Session, project_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Projects whose payments are withheld, each with the sentence an upload refusal shows (naming the notice)."""
    query = select(CorrectionNotice).where(
        col(CorrectionNotice.withhold).is_(True),
        col(CorrectionNotice.withhold_lifted_at).is_(None),
        col(CorrectionNotice.state) != "accepted",
    )
    if project_ids is not None:
        query = query.where(col(CorrectionNotice.project_id).in_(list(project_ids)))
    out: dict[int, str] = {}
    for n in session.exec(query.order_by(col(CorrectionNotice.id))):
        out.setdefault(
            n.project_id,
            f"该项目已暂缓拨款（整改通知第{n.id}号：{n.problem[:40]}），整改通过前不能上传支付，请联系财政局",
        )
    return out
