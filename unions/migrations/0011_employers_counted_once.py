from django.db import migrations

# The tally counted an employer at both its units. Empty it and the spells, and queue
# every employer: the next refresh of the spells writes them again, each employer placed
# once (or as the older code placed them, when this is reversed).
RECOUNT = [
    "DELETE FROM unions_employertally",
    "DELETE FROM unions_employerspell",
    "DELETE FROM unions_staleemployer",
    "INSERT INTO unions_staleemployer (employer_id) SELECT id FROM unions_employer",
]


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0010_unit_ancestry"),
    ]

    operations = [
        migrations.RunSQL(RECOUNT, RECOUNT),
    ]
