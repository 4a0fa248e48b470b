"""A recorded payment as a row of the template's 支出 sheet: its date, amount, note and voucher filled in.

Uploaded again, the row is recognised by its voucher and booked nothing (DOMAIN.md §7).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tracker.actuals.identity import Recorded
from tracker.core.money import fen_to_wan
from tracker.core.project import ProjectData

PAID_ON, AMOUNT, NOTE, VOUCHER = 6, 7, 8, 9  # columns of the 支出 sheet (template.PAYMENT_HEADERS)


def write_recorded(sheet: Any, r: int, data: ProjectData, payment: Recorded, fmt: dict[str, Any]) -> None:
    """One recorded payment under its project's row."""
    sheet.write_string(r, 0, data.dept_code, fmt["code"])
    sheet.write_string(r, 1, data.code, fmt["code"])
    sheet.write_string(r, 2, data.name, fmt["given"])
    sheet.write_datetime(r, PAID_ON, datetime.combine(payment.paid_on, datetime.min.time()), fmt["date"])
    wan = fen_to_wan(payment.amount_fen)
    if Decimal(repr(float(wan))) == wan:  # a float that reads back as the same 万元 (6 decimals)
        sheet.write_number(r, AMOUNT, float(wan), fmt["money"])
    else:
        sheet.write_string(r, AMOUNT, f"{wan:f}", fmt["text"])
    sheet.write_string(r, NOTE, payment.note)
    sheet.write_string(r, VOUCHER, payment.voucher, fmt["code"])
