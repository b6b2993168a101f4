"""How coverage rates are written: per cent, one decimal, in the reader's language."""

from django.utils.formats import get_format, number_format


def percent(fraction: float | None, decimals: int = 1) -> str:
    """0.9402 → "94,0 %" in Vietnamese, "94.0 %" in English; "—" when undefined."""
    if fraction is None:
        return "—"
    return f"{number_format(fraction * 100, decimal_pos=decimals)}\u00a0%"


def count(value: int | None) -> str:
    """12345 → "12.345" in Vietnamese, "12,345" in English.

    Django's Vietnamese formats name a thousands separator but no grouping, so
    ``intcomma`` prints "12345"; figures people compare by eye need the separator.
    """
    if value is None:
        return "—"
    separator = get_format("THOUSAND_SEPARATOR")
    return f"{int(value):,}".replace(",", separator)
