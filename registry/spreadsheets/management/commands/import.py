"""python manage.py import KIND FILE [--into CODE] [--sheet NAME] [--dry-run]
[--skip-invalid] [--report OUT.xlsx] [--json] [--user USERNAME]
[--map "HEADER=field" …] [--encoding "HEADER=unicode|tcvn3|vni" …] [--start-today]

--map decides what a column means, as the column list of the upload page does:
"HỌ TÊN=full_name" (a field's key, header or name), "Ghi chú=-" to leave it out.

Exit status: 0 written (or nothing to write), 1 invalid rows stopped the write,
2 the input is unusable. The same engine as the upload pages.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from registry.audit import record_access
from registry.models import AccessLog
from registry.spreadsheets.headers import overrides_from
from registry.spreadsheets.importing import (
    IMPORTERS,
    run_import,
    without_cycle_collection,
)
from registry.spreadsheets.reading import UnusableFile
from registry.spreadsheets.reports import error_report, has_report, problem_lines
from registry.spreadsheets.tables import ENCODING_CHOICE, ENCODINGS
from registry.text import fold


class Command(BaseCommand):
    help = "Import units, enterprises, members or agreements from a spreadsheet."

    def add_arguments(self, parser):
        # The kinds with an importer: a mapping file (reattach) has its own page.
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file")
        parser.add_argument("--into", help="Unit code: the CĐCS, or a unit above them.")
        parser.add_argument(
            "--sheet", help="Sheet name (default: the one with a table)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check, write nothing."
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Write the valid rows anyway."
        )
        parser.add_argument(
            "--start-today",
            action="store_true",
            help="New members' memberships start today (their joining date is kept), "
            "so the figures of past dates do not change.",
        )
        parser.add_argument("--report", help="Write the rejected rows to this .xlsx.")
        parser.add_argument(
            "--json", action="store_true", help="End with a JSON summary."
        )
        parser.add_argument("--user", help="Act with this account's scope.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="What a column means (repeatable): a field's key, or - to leave "
            "the column out.",
        )
        parser.add_argument(
            "--encoding",
            action="append",
            default=[],
            metavar="HEADER=ENCODING",
            help="Read the text of this column as unicode, tcvn3 or vni "
            "(repeatable); by default each cell is decided on its own evidence.",
        )

    def handle(self, *args, **options):
        # The import's objects are let go when _import returns; only then may the
        # cycle collector look at what is left (importing.py says why it waits).
        with without_cycle_collection():
            return self._import(options)

    def _import(self, options):
        user = self._user(options["user"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            return self._unusable(
                options,
                _("Cannot read %(file)s: %(error)s")
                % {"file": path, "error": error.strerror},
            )
        try:
            overrides = overrides_from(options["map"], options["kind"])
        except ValueError as error:
            return self._unusable(options, str(error))
        try:
            table, outcome = run_import(
                data, path.name, options["kind"], into=options["into"], user=user,
                sheet=options["sheet"], dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"], strict_overrides=True,
                start_today=options["start_today"],
                overrides=overrides | self._encodings(options["encoding"]),
            )  # fmt: skip
        except UnusableFile as error:
            return self._unusable(options, str(error))
        if outcome.written or outcome.lookups:
            # A check of a member file looked its CCCDs up: logged like a preview.
            action = (
                AccessLog.Action.IMPORT
                if outcome.written
                else AccessLog.Action.PREVIEW_IMPORT
            )
            record_access(
                user=user, action=action, target=f"{options['kind']}: {path.name}",
                count=outcome.rows, via="command", lookups=outcome.lookups, **outcome.counts(),
            )  # fmt: skip
        if options["report"] and has_report(table):
            Path(options["report"]).write_bytes(error_report(table))
        self._summary(outcome, options)
        if outcome.stopped:
            if outcome.invalid:
                message = _("%(count)s invalid rows: nothing was written.") % {
                    "count": outcome.invalid
                }
            else:
                message = _(
                    "A problem of the whole file kept anything from being written."
                )
            raise CommandError(message, returncode=1)

    def _encodings(self, choices: list[str]) -> dict[str, str]:
        overrides = {}
        for choice in choices:
            label, _sep, encoding = choice.rpartition("=")
            if not label or encoding.strip().lower() not in ENCODINGS:
                raise CommandError(
                    _("Write --encoding as “HEADER=ENCODING”, the encoding one of %(names)s.")
                    % {"names": ", ".join(ENCODINGS)},
                    returncode=2,
                )  # fmt: skip
            overrides[ENCODING_CHOICE + fold(label)] = encoding.strip().lower()
        return overrides

    def _user(self, username):
        if not username:
            return None
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(
                _("No active account %(name)s.") % {"name": username}, returncode=2
            ) from None
        if not user.has_perm("registry.import_data"):
            raise CommandError(
                _("The account %(name)s may not import files.") % {"name": username},
                returncode=2,
            )
        return user

    def _summary(self, outcome, options):
        for note in outcome.notes:
            self.stdout.write(note)
        for line in problem_lines(outcome):
            self.stdout.write(line)
        self.stdout.write(
            _(
                "%(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s "
                "unchanged, %(invalid)s invalid; %(written)s written."
            )
            % outcome.counts()
        )
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False))

    def _unusable(self, options, message):
        if options["json"]:
            summary = {
                "kind": options["kind"], "rows": 0, "created": 0, "updated": 0,
                "unchanged": 0, "invalid": 0, "written": 0,
                "errors": [{"row": None, "column": "", "message": message}], "warnings": [],
            }  # fmt: skip
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        raise CommandError(message, returncode=2)
