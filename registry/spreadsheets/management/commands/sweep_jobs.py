"""python manage.py sweep_jobs

Fails the import jobs whose worker died (their lease ran out) and deletes the files
uploaded longer ago than IMPORT_FILE_RETENTION_DAYS. Workers do both before each job;
run this from cron too (hourly), so that it happens when no one imports.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from registry.spreadsheets.leases import fail_abandoned_jobs
from registry.spreadsheets.retention import delete_old_files


class Command(BaseCommand):
    help = "Fail import jobs whose worker died; delete uploaded files past their time."

    def handle(self, *args, **options):
        failed = fail_abandoned_jobs()
        deleted = delete_old_files()
        self.stdout.write(
            _(
                "%(failed)s import(s) whose worker stopped marked failed; %(deleted)s "
                "uploaded file(s) deleted."
            )
            % {"failed": failed, "deleted": deleted}
        )
