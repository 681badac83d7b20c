"""Numbers, money, dates and labels for display, following the locale (Babel)."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal, parse_pattern


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@cache
def _whole_pattern(locale: str):
    """The locale's currency pattern without decimals, for whole amounts (12 500 €)."""
    pattern = parse_pattern(_locale(locale).currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern


@lru_cache(maxsize=65536)
def format_money(amount: Decimal | None, currency: str, locale: str, *, cents: bool = True) -> str:
    """``15 000,00 €`` in French; with ``cents=False``, whole amounts drop their decimals.

    Memoised: a call shows the same amounts on many pages, and Babel's formatting is
    the most expensive step of rendering them.
    """
    if amount is None:
        return ""
    if isinstance(amount, int):  # a template's unit: "for each 1 € secured"
        amount = Decimal(amount)
    if not cents and amount == amount.to_integral_value():
        return _whole_pattern(locale).apply(
            amount, _locale(locale), currency=currency, currency_digits=False
        )
    return format_currency(amount, currency, locale=_locale(locale))


@lru_cache(maxsize=65536)
def format_number(value: Decimal | int | None, locale: str) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(locale))


@lru_cache(maxsize=65536)
def format_percent(value: Decimal | None, locale: str) -> str:
    """Whole percent rounded down, so that 99.95 % never reads as 100 %."""
    if value is None:
        return ""
    whole = int(value)  # value is already non-negative and rounded down
    return format_decimal(whole, locale=_locale(locale)) + _percent_sign(locale)


@cache
def _percent_sign(locale: str) -> str:
    sample = _locale(locale).percent_formats[None].pattern
    return "\u202f%" if " %" in sample or "\u00a0%" in sample or "\u202f%" in sample else "%"


@lru_cache(maxsize=65536)
def format_day(value: date | None, locale: str) -> str:
    if value is None:
        return ""
    return _babel_date(value, format="long", locale=_locale(locale))


def plural_count(value: Decimal | int) -> int:
    """The whole number that picks a plural form for a quantity such as 2.5 days: 0 below
    one, at least 2 above one, so that 0.5 and 1.5 read right in English and French."""
    return math.ceil(value) if value > 1 else math.floor(value)
