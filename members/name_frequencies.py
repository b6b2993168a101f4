"""How common a typed word is among the register's names, from PostgreSQL's statistics.

The name search (MemberQuerySet.search, search_plan) asks the trigram index only about
words worth it: a word in a third of all names ("nguyen", "thi") has posting lists of
hundreds of thousands of rows, slower to read than walking the names in order. How
common a word is comes from the statistics ANALYZE (or autovacuum) keeps on the family,
middle and given name columns: their most common values with their frequencies, and a
histogram of the rest. Vietnamese names are drawn from a few hundred words, so those
cover them well.
"""

import time
from dataclasses import dataclass

from django.db import connections

from registry.text import fold

NAME_COLUMNS = ["family_name", "middle_name", "given_name"]
# Statistics change with ANALYZE, not per request: read them again after this long.
REFRESH_SECONDS = 600


@dataclass(frozen=True)
class WordShare:
    """Shares of all names (0 to 1) for one typed word."""

    any_part: float  # with a word of the name starting with it
    family_name: float  # with the family name starting with it
    given_name: float  # with the given name starting with it
    given_before: float  # with a given name that sorts before those


@dataclass(frozen=True)
class _Value:
    column: str
    words: tuple[str, ...]
    share: float


_cache: dict[str, tuple[float, list[_Value]]] = {}


def word_shares(
    words: list[str], using: str = "default"
) -> dict[str, WordShare] | None:
    """The estimated shares for each of ``words`` (folded), or None where there are
    no statistics (SQLite, a table never analysed)."""
    values = _values(using)
    if not values:
        return None
    given = [v for v in values if v.column == "given_name"]
    shares = {}
    for word in words:
        matching = [v for v in values if any(w.startswith(word) for w in v.words)]
        shares[word] = WordShare(
            any_part=min(1.0, sum(v.share for v in matching)),
            family_name=sum(v.share for v in matching if v.column == "family_name"),
            given_name=sum(v.share for v in matching if v.column == "given_name"),
            given_before=sum(v.share for v in given if " ".join(v.words) < word),
        )
    return shares


def forget() -> None:
    """Drop the cached statistics (after an ANALYZE, in tests)."""
    _cache.clear()


def _values(using: str) -> list[_Value]:
    """Each name column's common values and histogram bounds, folded, with the share
    of rows each stands for."""
    cached = _cache.get(using)
    if cached and time.monotonic() - cached[0] < REFRESH_SECONDS:
        return cached[1]
    connection = connections[using]
    values = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT attname, null_frac, most_common_vals::text::text[],
                       most_common_freqs, histogram_bounds::text::text[]
                FROM pg_stats
                WHERE tablename = 'members_member' AND attname = ANY(%s)
                """,
                [NAME_COLUMNS],
            )
            for row in cursor.fetchall():
                values += _column_values(*row)
    _cache[using] = (time.monotonic(), values)
    return values


def _column_values(column, null_share, common, frequencies, bounds) -> list[_Value]:
    common, frequencies, bounds = common or [], frequencies or [], bounds or []
    values = [
        _Value(column, tuple(fold(value).split()), frequency)
        for value, frequency in zip(common, frequencies, strict=True)
    ]
    if bounds:
        # Each histogram bound stands for an equal share of the rows the common values
        # leave.
        rest = max(0.0, 1.0 - (null_share or 0.0) - sum(frequencies)) / len(bounds)
        values += [_Value(column, tuple(fold(v).split()), rest) for v in bounds]
    return values
