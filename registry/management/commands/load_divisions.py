import vietnam_provinces
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from registry.divisions import load_divisions
from registry.models import Province, Ward


class Command(BaseCommand):
    help = (
        "Load or refresh Vietnam's provinces and wards from the installed "
        "vietnam-provinces package. Safe to run again: it only writes what changed."
    )

    def handle(self, *args, **options):
        self.stdout.write(
            _("vietnam-provinces %(version)s (data of %(day)s)")
            % {
                "version": vietnam_provinces.__version__,
                "day": vietnam_provinces.__data_version__,
            }
        )
        changes = load_divisions()
        self._report(_("Provinces"), Province, changes["provinces"])
        self._report(_("Wards"), Ward, changes["wards"])

    def _report(self, label, model, changes):
        self.stdout.write(
            _(
                "%(label)s: %(created)d created, %(renamed)d renamed, "
                "%(updated)d updated, %(unchanged)d unchanged, %(removed)d removed."
            )
            % {
                "label": label,
                "created": len(changes.created),
                "renamed": len(changes.renamed),
                "updated": len(changes.updated),
                "unchanged": changes.unchanged,
                "removed": len(changes.removed),
            }
        )
        for code, old, new in changes.renamed:
            self.stdout.write(f"  {code}: {old} → {new}")
        if changes.kept:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)d no longer in the data were kept because records "
                        "still point to them:"
                    )
                    % {"count": len(changes.kept)}
                )
            )
            for row in model.objects.filter(pk__in=changes.kept):
                self.stdout.write(f"  {row.code}: {row.name}")
