"""Earlier links of employers (EmployerLink): the managing unit and CĐCS an employer
had before a reorganisation re-pointed it, so past figures still count it there."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0017_employers_on_the_tree_of_each_date"),
    ]

    operations = [
        migrations.CreateModel(
            name="EmployerLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "starts_on",
                    models.DateField(blank=True, null=True, verbose_name="from"),
                ),
                ("ends_on", models.DateField(verbose_name="until")),
                (
                    "employer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="past_links",
                        to="unions.employer",
                        verbose_name="employer",
                    ),
                ),
                (
                    "grassroots_union",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="unions.unionunit",
                        verbose_name="grassroots union (CĐCS)",
                    ),
                ),
                (
                    "managing_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="unions.unionunit",
                        verbose_name="managing unit",
                    ),
                ),
                (
                    "reorganisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="employer_links",
                        to="unions.reorganisation",
                        verbose_name="reorganisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "earlier link of an employer",
                "verbose_name_plural": "earlier links of employers",
                "ordering": ["employer", "ends_on"],
                "default_permissions": [],
                "indexes": [
                    models.Index(fields=["employer", "ends_on"], name="link_employer")
                ],
            },
        ),
    ]
