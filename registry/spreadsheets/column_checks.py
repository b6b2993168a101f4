"""Values checked against the field their column was taken for, for the whole column.

A row whose cell contradicts its column's meaning ("Nữ" in the "Nam" tick column, a
name in Chinese characters in the name column) has its own error already; when that
happens, the column itself may have been taken for the wrong field, so the file gets
one warning naming the column, how many rows and an example. No ORM here.
"""

from django.utils.translation import gettext_lazy as _

from .headers import CHANGE_IT, Field, Header
from .member_rows import FOREIGN_NAME, GENDER_TICK
from .rows import ParsedRow, Problem, column_name

_DOUBTS = {
    GENDER_TICK: _(
        "%(count)s rows have the other gender written in column “%(column)s”, taken "
        "as “%(field)s” (such as “%(value)s” on row %(row)s): is it the gender "
        "column? Those rows are not imported as they are."
    ),
    FOREIGN_NAME: _(
        "%(count)s rows of column “%(column)s”, taken as “%(field)s”, hold names not "
        "written in Vietnamese letters (such as “%(value)s” on row %(row)s): is it "
        "the right column?"
    ),
}


def column_doubts(
    kind: str, header: Header, fields: list[Field], rows: list[ParsedRow]
) -> list[Problem]:
    """One warning (row None) per column whose cells contradict its meaning."""
    found: dict[tuple[str, str], list[ParsedRow]] = {}
    for row in rows:
        for problem in row.errors:
            if problem.code in _DOUBTS:
                found.setdefault((problem.column, problem.code), []).append(row)
    if not found:
        return []
    keys = {
        column_name(key, kind): (column, key) for column, key in header.mapping.items()
    }
    names = {f.key: str(f.verbose_name) for f in fields}
    doubts = []
    for (column, code), doubted in found.items():
        index, key = keys[column]
        first = doubted[0]
        said = {
            "count": len(doubted),
            "column": header.labels[index],
            "field": names[key],
            "value": _value(first, index),
            "row": first.number,
        }
        message = f"{_DOUBTS[code] % said} {CHANGE_IT}"
        doubts.append(Problem(None, header.labels[index], message))
    return doubts


def _value(row: ParsedRow, index: int) -> str:
    return str(row.raw[index]) if index < len(row.raw) else ""
