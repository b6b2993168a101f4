"""Fewer indexes to write for each new member (a 100,000-row import writes 100,000 people).

- The membership's plain unit index: ``membership_unit_dates`` starts with the unit.
- The history's copies of the CCCD and the address: the history is read by person.
- The member's province and ward: indexed where filled only (``member_province``,
  ``member_ward``); most people have no address on file.
- The database foreign key on ``Member.current_unit``: the value is copied by trigger
  from the open membership, whose unit is checked.

The model state changes with AlterField; the database changes are plain DROP INDEX and
DROP CONSTRAINT statements, because on SQLite an AlterField rebuilds the whole table
(and its triggers and hand-made indexes with it).
"""

import django.db.models.deletion
from django.db import migrations, models

import registry.identifiers

INDEXES = {  # name: (table, column)
    "members_membership_unit_id_5ef3e595": ("members_membership", "unit_id"),
    "members_historicalmembership_unit_id_705834f2": (
        "members_historicalmembership",
        "unit_id",
    ),
    "members_historicalmember_cccd_0176ad91": ("members_historicalmember", "cccd"),
    "members_historicalmember_province_id_fce3d60d": (
        "members_historicalmember",
        "province_id",
    ),
    "members_historicalmember_ward_id_0c4e909a": (
        "members_historicalmember",
        "ward_id",
    ),
    "members_member_province_id_bdc59f3f": ("members_member", "province_id"),
    "members_member_ward_id_2e269799": ("members_member", "ward_id"),
}
LIKE_INDEX = "members_historicalmember_cccd_0176ad91_like"  # PostgreSQL only
FOREIGN_KEY = "members_member_current_unit_id_c3e3c6d0_fk_unions_unionunit_id"


def forward(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name in [*INDEXES, *([LIKE_INDEX] if postgresql else [])]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    if postgresql:
        schema_editor.execute(
            f"ALTER TABLE members_member DROP CONSTRAINT IF EXISTS {FOREIGN_KEY}"
        )
    # SQLite keeps the foreign key in the table's definition until the table is next
    # rebuilt; it has no separate constraint to drop.


def backward(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})"
        )
    if postgresql:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX}"
            " ON members_historicalmember (cccd varchar_pattern_ops)"
        )
        schema_editor.execute(
            f"ALTER TABLE members_member ADD CONSTRAINT {FOREIGN_KEY}"
            " FOREIGN KEY (current_unit_id) REFERENCES unions_unionunit (id)"
            " DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0012_current_unit_insert_trigger_from_new_rows")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalmember",
                    name="cccd",
                    field=models.CharField(
                        blank=True,
                        max_length=12,
                        null=True,
                        validators=[registry.identifiers.validate_cccd],
                        verbose_name="citizen ID (CCCD)",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmember",
                    name="province",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.province",
                        verbose_name="province",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmember",
                    name="ward",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.ward",
                        verbose_name="ward",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmembership",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="unions.unionunit",
                        verbose_name="grassroots union",
                    ),
                ),
                migrations.AlterField(
                    model_name="member",
                    name="current_unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="unions.unionunit",
                        verbose_name="current grassroots union",
                    ),
                ),
                migrations.AlterField(
                    model_name="member",
                    name="province",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="registry.province",
                        verbose_name="province",
                    ),
                ),
                migrations.AlterField(
                    model_name="member",
                    name="ward",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="registry.ward",
                        verbose_name="ward",
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="unions.unionunit",
                        verbose_name="grassroots union",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(forward, backward, elidable=False)
            ],
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("province__isnull", False)),
                fields=["province"],
                name="member_province",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("ward__isnull", False)),
                fields=["ward"],
                name="member_ward",
            ),
        ),
    ]
