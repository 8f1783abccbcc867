"""Amounts of money as people type them, turned into the whole pence govflow stores."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class NotAnAmount(ValueError):
    """Why some text is not an amount of pence: `reason` is "not_money", "negative" or
    "part_penny"; each form says it in its own words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def pence(pounds: str) -> int:
    """Pounds written plainly ("1250", "99.50"; no £ or commas) as whole pence."""
    try:
        amount = Decimal(pounds)
    except InvalidOperation:
        raise NotAnAmount("not_money") from None
    if not amount.is_finite():
        raise NotAnAmount("not_money")
    if amount < 0:
        raise NotAnAmount("negative")
    whole = amount * 100
    if whole != whole.to_integral_value():
        raise NotAnAmount("part_penny")
    return int(whole)
