from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from unions.coverage.figures import Structure
from unions.coverage.report import period_report
from unions.coverage.workbook import report_workbook
from unions.models import UnionUnit


class Command(BaseCommand):
    help = _(
        "Write the periodic statistical report of a unit, by unit directly under it, "
        "as an .xlsx ready to print."
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
            "--from", dest="starts_on", required=True, help=_("First day, YYYY-MM-DD.")
        )
        parser.add_argument(
            "--to", dest="ends_on", required=True, help=_("Last day, YYYY-MM-DD.")
        )
        parser.add_argument(
            "--out", required=True, help=_("Path of the .xlsx to write.")
        )

    def handle(self, *args, code, structure, starts_on, ends_on, out, **options):
        unit = UnionUnit.objects.with_code(code).first()
        if unit is None:
            raise CommandError(
                _("No unit has the code %(code)s.") % {"code": code}, returncode=2
            )
        starts_on, ends_on = self.parse_day(starts_on), self.parse_day(ends_on)
        if starts_on > ends_on:
            raise CommandError(
                _("The period must start on or before the day it ends."), returncode=2
            )
        try:
            report = period_report(unit, starts_on, ends_on, structure=structure)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
        with open(out, "wb") as target:
            target.write(report_workbook(report))
        total = report.total
        self.stdout.write(
            _(
                "%(unit)s, %(start)s–%(end)s: %(rows)s rows; members %(first)s → "
                "%(last)s. Written to %(out)s."
            )
            % {
                "unit": unit.code,
                "start": f"{starts_on:%d/%m/%Y}",
                "end": f"{ends_on:%d/%m/%Y}",
                "rows": len(report.rows),
                "first": total.members_at_start,
                "last": total.members_at_end,
                "out": out,
            }
        )

    def parse_day(self, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("%(text)s is not a date in the form YYYY-MM-DD.") % {"text": text},
                returncode=2,
            ) from None
