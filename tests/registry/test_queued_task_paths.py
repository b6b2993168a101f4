from importlib import import_module

from django.utils.module_loading import import_string

moved = import_module("registry.migrations.0004_queued_tasks_moved_to_spreadsheets")


def test_queued_import_and_export_tasks_are_pointed_at_tasks_that_exist():
    renames = moved._renames("registry.tasks", "registry.spreadsheets.tasks")

    new_paths = [new for _sql, (new, _old) in renames]

    assert all(callable(import_string(path).enqueue) for path in new_paths)
