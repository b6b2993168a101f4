"""python manage.py sweep_jobs

Fails the import jobs whose worker died (their lease ran out) and the queue's tasks
such a worker left "running", and deletes the uploaded files and the exported files
kept longer than IMPORT_FILE_RETENTION_DAYS and EXPORT_FILE_RETENTION_DAYS. Workers do
all this before each job; run this from cron too (hourly), so that it happens when no
one imports.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from registry.spreadsheets.leases import fail_abandoned_jobs, fail_abandoned_tasks
from registry.spreadsheets.retention import delete_old_exports, delete_old_files


class Command(BaseCommand):
    help = (
        "Fail import jobs and tasks whose worker died; delete uploaded and exported "
        "files past their time."
    )

    def handle(self, *args, **options):
        failed = fail_abandoned_jobs()
        tasks = fail_abandoned_tasks()
        deleted = delete_old_files()
        exports = delete_old_exports()
        self.stdout.write(
            _(
                "%(failed)s import(s) and %(tasks)s task(s) whose worker stopped marked "
                "failed; %(deleted)s uploaded file(s) and %(exports)s exported file(s) "
                "deleted."
            )
            % {"failed": failed, "tasks": tasks, "deleted": deleted, "exports": exports}
        )
