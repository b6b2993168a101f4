import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from unions.coverage import dated_tally, spells, triggers


class Command(BaseCommand):
    help = _(
        "Check the membership tally against a recount and the coverage triggers, "
        "or rebuild both rollups (after restoring a dump with triggers disabled)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help=_("Recount everything.")
        )

    def handle(self, *args, rebuild: bool, **options):
        started = time.monotonic()
        if rebuild:
            triggers.install()
            rows = triggers.rebuild_tally()
            dated_tally.ensure()
            dated_tally.rebuild()
            employers = spells.rebuild()
            self.stdout.write(
                _(
                    "Rebuilt in %(seconds).0f s: %(rows)s tally rows, spells of "
                    "%(employers)s employers."
                )
                % {
                    "seconds": time.monotonic() - started,
                    "rows": rows,
                    "employers": employers,
                }
            )
            return
        missing = sorted(set(triggers._trigger_tables()) - triggers.installed())
        if missing:
            raise CommandError(
                _("Missing triggers: %(names)s. Run with --rebuild.")
                % {"names": ", ".join(missing)}
            )
        missing = sorted(set(dated_tally.TRIGGERS) - dated_tally.installed())
        if missing:
            raise CommandError(
                _("Missing triggers: %(names)s. Run with --rebuild.")
                % {"names": ", ".join(missing)}
            )
        differences = triggers.tally_differences() + dated_tally.differences()
        if differences:
            raise CommandError(
                _(
                    "%(count)s tally rows disagree with a recount of the memberships. "
                    "Run with --rebuild."
                )
                % {"count": differences}
            )
        queued = spells.refresh()
        self.stdout.write(
            _(
                "The tally agrees with a recount; %(queued)s queued employers "
                "recomputed (%(seconds).0f s)."
            )
            % {"queued": queued, "seconds": time.monotonic() - started}
        )
