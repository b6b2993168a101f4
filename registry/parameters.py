"""Values read from an address's query string, where anyone can type anything."""

import re

# Fits a 64-bit signed integer, the widest key either database has; ASCII digits only
# ("²" and "٣" are digits to str.isdigit(), not to int()).
_ROW_ID = re.compile(r"[1-9][0-9]{0,17}")


def row_id(value: str | None) -> int | None:
    """A row's id given in an address, or None when the value cannot be one."""
    if value and _ROW_ID.fullmatch(value):
        return int(value)
    return None
