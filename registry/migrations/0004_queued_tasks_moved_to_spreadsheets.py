"""The import and export tasks moved from registry/tasks.py to registry/spreadsheets/tasks.py:
rows already queued by the old path are pointed at the new one, so a worker finds them."""

from django.db import migrations

TASKS = ("check_file", "import_file", "export_file")


def _renames(old: str, new: str) -> list[tuple[str, list[str]]]:
    return [
        (
            "UPDATE django_tasks_database_dbtaskresult SET task_path = %s WHERE task_path = %s",
            [f"{new}.{name}", f"{old}.{name}"],
        )
        for name in TASKS
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_import_and_export_jobs"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            _renames("registry.tasks", "registry.spreadsheets.tasks"),
            reverse_sql=_renames("registry.spreadsheets.tasks", "registry.tasks"),
        )
    ]
