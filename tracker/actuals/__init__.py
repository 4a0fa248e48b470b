"""Quarterly actuals: what units paid out and achieved, uploaded, checked, approved and audited.

Module anatomy (each service function is keyword-only, takes the caller's session and never commits):
- template.py    `template_bytes(session, scope, dept_code, year)` → the pre-filled workbook (说明/支出/指标)
- service.py     `upload(session, source, filename, principal, dry_run)` → UploadSummary, or UploadRejected
                 (report.py) whose `issues` / `rows` list every bad row
- batches.py     `list_batches`, `get_batch`, `withdraw_batch`, `list_payments`
- approvals.py   `submit_quarter`, `approve_submissions`, `return_submissions`, `unlock_submission`,
                 `list_submissions`
- audit.py       `list_audit(project_id= | batch_id= | submission_id=)`, `audit_history(project_id=)`
- read.py        what monitoring and evaluation read: `cumulative_paid`, `latest_results`, `result_history`
- parsing.py, workbook.py, columns.py   reading CSV/XLSX into text chunks; payments.py, results.py the checks
                 (result_cells.py reads one 指标 row's cells against its indicator)
- superseding.py how results and the 项目 sheet's reports supersede one another, and step back on withdrawal
- router.py (/api/v1/actuals/…), cli.py (`tracker actuals …`), schemas.py (what both return)
"""
