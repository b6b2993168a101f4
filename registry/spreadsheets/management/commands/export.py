"""python manage.py export KIND --unit CODE --out PATH --purpose TEXT [--as-of YYYY-MM-DD]
[--user NAME]

.xlsx or .csv by the extension; member exports use the import's canonical headers,
so an export can be imported back unchanged.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit import record_access
from registry.models import AccessLog
from registry.spreadsheets.exporting import export_rows
from registry.spreadsheets.headers import FIELDS
from registry.spreadsheets.importing import resolve_into
from registry.spreadsheets.reading import UnusableFile
from registry.writing import write_table


class Command(BaseCommand):
    help = "Export units, enterprises, members or agreements of a unit's subtree."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(FIELDS))
        parser.add_argument("--unit", required=True)
        parser.add_argument("--out", required=True, help="A .xlsx or .csv path.")
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--user", help="Act with this account's scope.")
        parser.add_argument(
            "--purpose",
            required=True,
            help="Why the file is needed and for whom (written in the access log).",
        )

    def handle(self, *args, **options):
        if not options["out"].lower().endswith((".xlsx", ".csv")):
            raise CommandError(
                _("The output file must end in .xlsx or .csv."), returncode=2
            )
        if len(options["purpose"].strip()) < 5:
            raise CommandError(
                _("Say why the file is needed (--purpose), in a few words."),
                returncode=2,
            )
        user = None
        if options["user"]:
            user = (
                get_user_model()
                .objects.filter(username=options["user"], is_active=True)
                .first()
            )
            if user is None:
                raise CommandError(
                    _("No active account %(name)s.") % {"name": options["user"]},
                    returncode=2,
                )
        try:
            unit = resolve_into(options["unit"], user)
        except UnusableFile as error:
            raise CommandError(str(error), returncode=2) from None
        day = options["as_of"] or timezone.localdate()
        headers, rows = export_rows(options["kind"], unit=unit, user=user, day=day)
        counted = _Counter(rows)
        write_table(options["out"], headers, counted)
        record_access(
            user=user, action=AccessLog.Action.EXPORT, target=f"{options['kind']}: {unit.code}",
            object_id=unit.code, count=counted.count, is_sensitive=options["kind"] == "members",
            purpose=options["purpose"], as_of=day.isoformat(), via="command",
        )  # fmt: skip
        self.stdout.write(
            _("%(count)s rows written to %(path)s.")
            % {"count": counted.count, "path": options["out"]}
        )


class _Counter:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
