"""Employer figures on the tree of each date (unions/coverage/employer_tally.py).

Each spell now says where the employer is counted (``place``), and UnitEmployerTally
sums the spells under the ancestors of that place on each date. The spells are derived:
they are dropped here, every employer is queued and the basis row removed, so the
refresh after migrate computes the spells and rebuilds both tallies.
"""

import django.db.models.deletion
from django.db import migrations, models


RECOMPUTE = [
    "DELETE FROM unions_employerspell",
    "DELETE FROM unions_employertallybasis",
    "INSERT INTO unions_staleemployer (employer_id) SELECT id FROM unions_employer"
    " WHERE id NOT IN (SELECT employer_id FROM unions_staleemployer)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0016_unit_triggers_skip_unchanged_paths"),
    ]

    operations = [
        migrations.RunSQL(RECOMPUTE, RECOMPUTE),
        migrations.AddField(
            model_name="employerspell",
            name="place",
            field=models.ForeignKey(
                db_constraint=False,
                default=0,
                help_text="Where the employer is counted: its CĐCS while active, else its managing unit.",
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="unions.unionunit",
            ),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="UnitEmployerTally",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "unit_id",
                        "span",
                        "starts_on",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "span",
                    models.CharField(
                        choices=[("y", "year"), ("m", "month"), ("d", "day")],
                        max_length=1,
                    ),
                ),
                ("starts_on", models.DateField()),
                ("eligible", models.IntegerField(default=0)),
                ("workers", models.BigIntegerField(default=0)),
                ("with_union", models.IntegerField(default=0)),
                ("enterprises", models.IntegerField(default=0)),
                ("with_cba", models.IntegerField(default=0)),
                ("renewals", models.IntegerField(default=0)),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="unions.unionunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "employer tally on the tree of each date",
                "verbose_name_plural": "employer tallies on the tree of each date",
                "default_permissions": [],
            },
        ),
    ]
