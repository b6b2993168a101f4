"""The access log is append-only: the model, its querysets and the database itself
refuse to change or delete an entry (finding 7 of issue 11)."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from registry import append_only
from registry.audit import record_access
from registry.models import AccessLog, AppendOnlyError

pytestmark = pytest.mark.django_db

migration = importlib.import_module("registry.migrations.0009_access_log_append_only")


@pytest.fixture
def entry(officer):
    return record_access(
        user=officer, action=AccessLog.Action.VIEW_MEMBER, target="Nguyễn Thị Lan",
        object_id=7, is_sensitive=True,
    )  # fmt: skip


def test_saving_an_existing_entry_is_refused(entry):
    entry.target = "someone else"

    with pytest.raises(AppendOnlyError):
        entry.save()

    assert AccessLog.objects.get(pk=entry.pk).target == "Nguyễn Thị Lan"


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()

    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("change", ["update", "delete"])
def test_a_queryset_cannot_change_or_delete_entries(entry, change):
    entries = AccessLog.objects.filter(pk=entry.pk)

    with pytest.raises(AppendOnlyError):
        entries.update(target="x") if change == "update" else entries.delete()

    assert AccessLog.objects.get(pk=entry.pk).target == "Nguyễn Thị Lan"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE registry_accesslog SET target = 'x' WHERE id = %s",
        "UPDATE registry_accesslog SET user_id = NULL WHERE id = %s",
        "DELETE FROM registry_accesslog WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_entry(entry, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])

    assert AccessLog.objects.get(pk=entry.pk).target == "Nguyễn Thị Lan"


def test_new_entries_are_still_written(entry, officer):
    record_access(user=officer, action=AccessLog.Action.EXPORT, target="Danh sách")

    assert AccessLog.objects.count() == 2


def test_the_triggers_are_installed_by_the_migrations():
    assert append_only.NAMES[connection.vendor] <= append_only.installed(connection)


def test_the_migration_is_reversible(entry):
    def run(statements):
        migration._run(statements)(None, connection.schema_editor())

    with transaction.atomic():
        run(migration.DROP_ACCESS_LOG_TRIGGERS)
        assert not append_only.installed(connection)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM registry_accesslog WHERE id = %s", [entry.pk])
        run(migration.ACCESS_LOG_TRIGGERS)
        assert append_only.NAMES[connection.vendor] <= append_only.installed(connection)
        transaction.set_rollback(True)


def test_triggers_a_table_rebuild_dropped_are_put_back(entry):
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in migration.DROP_ACCESS_LOG_TRIGGERS[connection.vendor]:
                cursor.execute(statement)

        assert append_only.ensure(connection) is True
        assert append_only.ensure(connection) is False
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM registry_accesslog")
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_an_entry_written_outside_any_transaction_is_kept(officer):
    """Autocommit: on PostgreSQL the entry is its own, asynchronously committed
    transaction (registry.audit.record_access), which must not lose it."""
    assert not connection.in_atomic_block

    entry = record_access(user=officer, action=AccessLog.Action.EXPORT, target="x")

    assert AccessLog.objects.get(pk=entry.pk).target == "x"
    assert not connection.in_atomic_block


def test_a_nul_character_typed_in_a_filter_is_logged_without_it(client, officer):
    client.force_login(officer)

    response = client.get("/admin/members/member/?q=a%00b")

    assert response.status_code < 500
    assert AccessLog.objects.get().details["filters"] == {"q": "ab"}
