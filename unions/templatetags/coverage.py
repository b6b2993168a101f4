from django import template

from unions.coverage.formats import count as format_count
from unions.coverage.formats import percent as format_percent

register = template.Library()


@register.filter
def percent(fraction, decimals=1):
    """A rate as "94,0 %" in Vietnamese ("—" when it cannot be computed)."""
    return format_percent(fraction, int(decimals))


@register.filter
def count(value):
    """A whole number with the language's thousands separator ("69.991")."""
    return format_count(value)


@register.filter
def sort_link(name, current):
    """The sort a column heading sets: most first, then the other way on a second click."""
    return name if current == f"-{name}" else f"-{name}"
