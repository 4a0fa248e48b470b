"""The mid-year report's words (DOMAIN.md §4): how likely a target is met, and why it may not be."""

from __future__ import annotations

LIKELY, POSSIBLE, IMPOSSIBLE = "确定能", "有可能", "完全不可能"
LIKELIHOODS = (LIKELY, POSSIBLE, IMPOSSIBLE)
NEEDS_REASON = frozenset({POSSIBLE, IMPOSSIBLE})  # these need 偏差原因 and 改进措施

# The 偏差原因 categories of the 绩效运行监控表; config/rules.yaml monitoring.reason_categories may replace them.
REASON_CATEGORIES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
