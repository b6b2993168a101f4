"""The tree of any date (unions/ancestry.py): UnitAncestry, filled from today's tree and
the recorded moves, and the trigger that gives every new unit its rows.

Frozen here, as they were when written: the SQL of the trigger and the way the rows are
composed (a migration never imports the project's code). Moves recorded with a date
after the day of migrating are taken as made that day: today's tree already has them.
"""

from collections import defaultdict
from datetime import date

import django.db.models.deletion
from django.db import migrations, models


ALWAYS = date(1900, 1, 1)
STEP = 4

ANCESTRY_TRIGGER = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION unions_ancestry_insert() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            DECLARE level integer;
            BEGIN
                FOR level IN SELECT DISTINCT depth FROM new_units ORDER BY depth LOOP
                    INSERT INTO unions_unitancestry
                        (unit_id, ancestor_id, depth, starts_on, ends_on)
                    SELECT n.id, n.id, 0, DATE '1900-01-01', NULL
                    FROM new_units n WHERE n.depth = level
                    UNION ALL
                    SELECT n.id, k.ancestor_id, k.depth + 1, k.starts_on, k.ends_on
                    FROM new_units n
                    JOIN unions_unionunit p
                        ON p.path = substr(n.path, 1, length(n.path) - 4)
                    JOIN unions_unitancestry k ON k.unit_id = p.id
                    WHERE n.depth = level AND n.depth > 1;
                END LOOP;
                RETURN NULL;
            END
            $body$""",
        "DROP TRIGGER IF EXISTS unions_ancestry_insert ON unions_unionunit",
        """CREATE TRIGGER unions_ancestry_insert AFTER INSERT ON unions_unionunit
            REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT
            EXECUTE FUNCTION unions_ancestry_insert()""",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS unions_ancestry_insert",
        """CREATE TRIGGER unions_ancestry_insert AFTER INSERT ON unions_unionunit
            FOR EACH ROW BEGIN
                INSERT INTO unions_unitancestry
                    (unit_id, ancestor_id, depth, starts_on, ends_on)
                VALUES (NEW.id, NEW.id, 0, '1900-01-01', NULL);
                INSERT INTO unions_unitancestry
                    (unit_id, ancestor_id, depth, starts_on, ends_on)
                SELECT NEW.id, k.ancestor_id, k.depth + 1, k.starts_on, k.ends_on
                FROM unions_unionunit p JOIN unions_unitancestry k ON k.unit_id = p.id
                WHERE p.path = substr(NEW.path, 1, length(NEW.path) - 4)
                    AND length(NEW.path) > 4;
            END""",
    ],
}
ANCESTRY_TRIGGER_DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS unions_ancestry_insert ON unions_unionunit",
        "DROP FUNCTION IF EXISTS unions_ancestry_insert()",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS unions_ancestry_insert"],
}


def parents_over_time(units, moves, today):
    """unit id → [(parent id, starts, ends)] from today's tree and the moves."""
    by_path = {path: pk for pk, path in units}
    moves_of = defaultdict(list)
    for unit, from_parent, to_parent, moved_on, pk in moves:
        moves_of[unit].append((min(moved_on, today), pk, from_parent, to_parent))
    parents = {}
    for pk, path in units:
        current = by_path.get(path[:-STEP]) if len(path) > STEP else None
        rows, starts = [], ALWAYS
        for moved_on, _pk, from_parent, _to in sorted(moves_of[pk]):
            moved_on = max(moved_on, ALWAYS)
            if from_parent is not None and starts < moved_on:
                rows.append((from_parent, starts, moved_on))
            starts = max(starts, moved_on)
        if current is not None:
            rows.append((current, starts, None))
        parents[pk] = rows
    return parents


def compose(parents):
    """Every unit's ancestors over time, one row per ancestor and depth for days in
    a row: a unit's parent, then its parent's ancestors, each for the days both held."""
    done = {}

    def rows_of(unit, seen=()):
        if unit in done:
            return done[unit]
        if unit in seen:
            raise ValueError(f"unit {unit} is its own ancestor in the recorded moves")
        rows = [(unit, unit, 0, ALWAYS, None)]
        for parent, starts, ends in parents.get(unit, []):
            for _u, ancestor, depth, above_starts, above_ends in rows_of(
                parent, (*seen, unit)
            ):
                lo = max(starts, above_starts)
                hi = (
                    above_ends
                    if ends is None
                    else ends
                    if above_ends is None
                    else min(ends, above_ends)
                )
                if hi is None or lo < hi:
                    rows.append((unit, ancestor, depth + 1, lo, hi))
        merged = []
        for row in sorted(rows, key=lambda r: (r[1], r[2], r[3])):
            last = merged[-1] if merged else None
            if (
                last is not None
                and last[1:3] == row[1:3]
                and (last[4] is None or last[4] >= row[3])
            ):
                ends = None if None in (last[4], row[4]) else max(last[4], row[4])
                merged[-1] = (*last[:4], ends)
            else:
                merged.append(row)
        done[unit] = merged
        return merged

    for unit in list(parents):
        rows_of(unit)
    return done


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    UnionUnit = apps.get_model("unions", "UnionUnit")
    UnitMove = apps.get_model("unions", "UnitMove")
    UnitAncestry = apps.get_model("unions", "UnitAncestry")
    units = list(UnionUnit.objects.using(db).values_list("pk", "path"))
    moves = UnitMove.objects.using(db).values_list(
        "unit", "from_parent", "to_parent", "moved_on", "pk"
    )
    today = date.today()
    rows = compose(parents_over_time(units, moves, today))
    UnitAncestry.objects.using(db).bulk_create(
        (
            UnitAncestry(
                unit_id=u, ancestor_id=a, depth=d, starts_on=s, ends_on=e
            )
            for unit_rows in rows.values()
            for u, a, d, s, e in unit_rows
        ),
        batch_size=2000,
    )


def empty(apps, schema_editor):
    UnitAncestry = apps.get_model("unions", "UnitAncestry")
    UnitAncestry.objects.using(schema_editor.connection.alias).all().delete()


def install_trigger(apps, schema_editor):
    for statement in ANCESTRY_TRIGGER[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop_trigger(apps, schema_editor):
    for statement in ANCESTRY_TRIGGER_DROP[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('unions', '0009_spell_last_expiry_signed_by_then'),
    ]

    operations = [
        migrations.AddField(
            model_name='unitmove',
            name='from_path',
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='unitmove',
            name='parents_before',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.CreateModel(
            name='UnitAncestry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('depth', models.PositiveSmallIntegerField()),
                ('starts_on', models.DateField()),
                ('ends_on', models.DateField(blank=True, null=True)),
                ('ancestor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='descendancy', to='unions.unionunit')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ancestry', to='unions.unionunit')),
            ],
            options={
                'verbose_name': 'unit ancestry',
                'verbose_name_plural': 'unit ancestries',
                'default_permissions': [],
                'indexes': [models.Index(fields=['ancestor', 'depth', 'starts_on'], name='ancestry_below')],
                'constraints': [models.UniqueConstraint(fields=('unit', 'ancestor', 'depth', 'starts_on'), name='one_ancestry_row_a_start'), models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gt', models.F('starts_on')), _connector='OR'), name='ancestry_ends_after_it_starts')],
            },
        ),
        migrations.RunPython(fill, empty, elidable=False),
        migrations.RunPython(install_trigger, drop_trigger, elidable=False),
    ]
