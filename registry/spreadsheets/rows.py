"""One spreadsheet row → the values of one record, with its problems. No ORM here.

Each ``parse_*`` takes the row's cells keyed by field ("code": "CDCS-01", …) and returns
a ``ParsedRow``; checks that need the database come later, in the import modules, so
everything here runs on any machine that can open the file. Member rows, the long
lists, have their own parser in member_rows.py.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from unions.kinds import employer_kind_from_label, kind_from_label

from . import values
from .headers import FIELDS
from .values import BadValue


# Slots: a 100,000-row file holds a ParsedRow per row and often a Problem per row
# (a warning); without a __dict__ each takes a third of the memory.
@dataclass(slots=True)
class Problem:
    row: int | None  # None: the file as a whole
    column: str
    message: str
    # What kind of doubt about the column's meaning, tallied for the whole column
    # (column_checks.py); "" for most problems.
    code: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass(slots=True)
class ParsedRow:
    number: int  # as Excel shows it
    values: dict = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    raw: list = field(default_factory=list, repr=False)  # the cells as read
    kind: str = "members"

    def error(self, key: str, message, code: str = "") -> None:
        self.errors.append(
            Problem(self.number, column_name(key, self.kind), str(message), code)
        )

    def warn(self, key: str, message) -> None:
        self.warnings.append(
            Problem(self.number, column_name(key, self.kind), str(message))
        )

    def take(self, key: str, parser, cells: dict, *args, **kwargs):
        """``parser(cells[key])``, or None with an error noted."""
        try:
            return parser(cells.get(key), *args, **kwargs)
        except BadValue as error:
            self.error(key, error)
            return None


_HEADERS = {kind: {f.key: f.header for f in fields} for kind, fields in FIELDS.items()}


def column_name(key: str, kind: str = "members") -> str:
    """The canonical header for a field key, as error reports name columns."""
    return _HEADERS[kind].get(key, key)


# --- Units, employers, agreements -----------------------------------------------------------


def parse_unit(number: int, cells: dict) -> ParsedRow:
    row = ParsedRow(number, kind="units")
    v = row.values
    v["code"] = values.code(cells.get("code"))
    v["name"] = values.text(cells.get("name"))
    v["parent_code"] = values.code(cells.get("parent_code"))
    v["decision"] = values.text(cells.get("decision"))
    v["transfer_code"] = values.code(cells.get("transfer_code"))
    label = values.text(cells.get("kind"))
    v["kind"] = kind_from_label(label) if label else None
    if label and v["kind"] is None:
        row.error(
            "kind", _("“%(value)s” is not a kind of union unit.") % {"value": label}
        )
    v["founded_on"] = row.take("founded_on", values.parse_date, cells)
    v["dissolved_on"] = row.take("dissolved_on", values.parse_date, cells)
    _require(row, ["code", "name", "kind", "founded_on"])
    return row


def parse_employer(number: int, cells: dict) -> ParsedRow:
    row = ParsedRow(number, kind="enterprises")
    v = row.values
    v["tax_code"] = _tax_code(row, cells)
    v["name"] = values.text(cells.get("name"))
    label = values.text(cells.get("kind"))
    v["kind"] = employer_kind_from_label(label) if label else None
    if label and v["kind"] is None:
        row.error(
            "kind", _("“%(value)s” is not a type of employer.") % {"value": label}
        )
    v["industry"] = values.text(cells.get("industry"))
    v["industrial_zone"] = values.text(cells.get("industrial_zone"))
    v["workers"] = row.take(
        "workers", values.integer, cells, label=_("The number of workers")
    )
    v["address"] = values.text(cells.get("address"))
    v["managing_code"] = values.code(cells.get("managing_code"))
    v["grassroots_code"] = values.code(cells.get("grassroots_code"))
    _require(row, ["tax_code", "name", "kind"])
    return row


def parse_agreement(number: int, cells: dict) -> ParsedRow:
    row = ParsedRow(number, kind="agreements")
    v = row.values
    v["tax_code"] = _tax_code(row, cells)
    for key in ("signed_on", "effective_on", "expires_on"):
        v[key] = row.take(key, values.parse_date, cells)
    v["effective_on"] = v["effective_on"] or v["signed_on"]
    grade = values.text(cells.get("grade")).upper().removeprefix("LOẠI ").strip()
    if grade and grade not in ("A", "B", "C"):
        row.error("grade", _("The grade is A, B or C."))
    v["grade"] = grade if grade in ("A", "B", "C") else ""
    v["notes"] = values.text(cells.get("notes"))
    _require(row, ["tax_code", "signed_on", "expires_on"])
    return row


def _tax_code(row: ParsedRow, cells: dict) -> str:
    raw = cells.get("tax_code")
    if isinstance(raw, float | int):
        code = (
            row.take(
                "tax_code", values.digits, cells, length=10, label=_("The tax code")
            )
            or ""
        )
        if len(code) == 11:
            # A 12-digit personal ID number always starts with 0 (docs/domain.md,
            # "Identifiers: the citizen ID (CCCD) number"); a numeric cell dropped it.
            code = "0" + code
            row.warn("tax_code", _("The tax code's leading zero was restored."))
        return code
    code = values.text(raw).replace(" ", "")
    if code.isdigit() and len(code) == 9:
        code = "0" + code  # the leading zero a numeric cell dropped
        row.warn("tax_code", _("The tax code's leading zero was restored."))
    return code


def _require(row: ParsedRow, keys: list[str]) -> None:
    failed = {p.column for p in row.errors}
    for key in keys:
        if (
            row.values.get(key) in ("", None)
            and column_name(key, row.kind) not in failed
        ):
            row.error(key, _("This column must not be empty."))


def parse_zone(number: int, cells: dict) -> ParsedRow:
    row = ParsedRow(number, kind="zones")
    row.values["code"] = values.code(cells.get("code"))
    row.values["name"] = values.text(cells.get("name"))
    _require(row, ["code", "name"])
    return row


def parse_reattach(number: int, cells: dict) -> ParsedRow:
    row = ParsedRow(number, kind="reattach")
    row.values["code"] = values.code(cells.get("code"))
    row.values["parent_code"] = values.code(cells.get("parent_code"))
    _require(row, ["code", "parent_code"])
    return row


PARSERS = {
    "reattach": parse_reattach,
    "units": parse_unit,
    "enterprises": parse_employer,
    "agreements": parse_agreement,
    "zones": parse_zone,
}
