"""An earlier link of an employer may be recorded as history, without an operation."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('unions', '0018_employer_links'),
    ]

    operations = [
        migrations.AlterField(
            model_name='employerlink',
            name='reorganisation',
            field=models.ForeignKey(blank=True, help_text="The operation that re-pointed the employer; empty for a past link recorded as history (the demo province's 2025 reorganisation).", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='employer_links', to='unions.reorganisation', verbose_name='reorganisation'),
        ),
    ]
