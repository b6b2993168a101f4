import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from unions.coverage import figures
from unions.coverage.figures import Structure
from unions.coverage.formats import percent
from unions.models import UnionUnit


class Command(BaseCommand):
    help = _(
        "Coverage figures of a unit and of each unit directly under it, on a date."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help=_("Code of the unit."))
        parser.add_argument(
            "--structure",
            choices=Structure.values,
            default=Structure.HISTORICAL,
            help=_(
                "historical: each unit under its parent of the date (default); "
                "current: restated in today's structure."
            ),
        )
        parser.add_argument(
            "--as-of", help=_("Date of the figures, YYYY-MM-DD (default: today).")
        )
        parser.add_argument(
            "--json", action="store_true", help=_("Print one JSON object.")
        )

    def handle(self, *args, code, structure, as_of, json: bool, **options):
        day = self.parse_day(as_of)
        unit = UnionUnit.objects.with_code(code).first()
        if unit is None:
            raise CommandError(
                _("No unit has the code %(code)s.") % {"code": code}, returncode=2
            )
        try:
            total, children = figures.coverage_with_children(
                unit, day, structure=structure
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
        if json:
            self.print_json(total, children, structure)
        else:
            self.print_table(total, children, structure)

    def parse_day(self, text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("%(text)s is not a date in the form YYYY-MM-DD.") % {"text": text},
                returncode=2,
            ) from None

    def print_json(self, total, children, structure):
        result = total.as_json() | {"structure": structure}
        result["children"] = [child.as_json() for child in children]
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def print_table(self, total, children, structure):
        self.stdout.write(
            _("%(unit)s on %(day)s")
            % {"unit": total.unit, "day": total.as_of.strftime("%d/%m/%Y")}
            + f" ({Structure(structure).label})"
        )
        header = [
            _("Unit"),
            _("Workers"),
            _("Members"),
            _("Rate"),
            _("Eligible employers"),
            _("With a union"),
            _("CĐCS"),
            _("Enterprises with a union"),
            _("With an agreement"),
        ]
        rows = [header] + [
            [
                row.unit.code,
                f"{row.workers:,}",
                f"{row.members:,}",
                percent(row.unionisation_rate),
                f"{row.employers_eligible:,}",
                f"{row.employers_with_union:,}",
                f"{row.cdcs:,}",
                f"{row.enterprises_with_union:,}",
                f"{row.enterprises_with_cba:,}",
            ]
            for row in [total, *children]
        ]
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                    for i, (cell, width) in enumerate(zip(row, widths, strict=True))
                )
            )
