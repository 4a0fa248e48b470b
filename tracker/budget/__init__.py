"""Budget versions (DOMAIN.md §3): 年初 from the published table, adjustments, transfers and carry-over.

- service.py  `load_budgets` (the one loader every feature reads budgets through), `record_budget_change`
- router.py   `GET /api/v1/projects/{id}/budget`, `POST /api/v1/projects/{id}/budget/changes`
- cli.py      `tracker budget adjust`, `tracker budget show`
- schemas.py  the shapes of `tracker budget show` and the API
The rule itself (the effective budget on a date) is pure: tracker/core/budget.py.
"""
