"""A covering index for the dashboard's per-unit counts (performance only, no schema change).

The dashboard counts people, adult women, minors and possible duplicates per unit in one
pass; with (unit_id, birth_date, sex, possible_duplicate) in one index SQLite answers it from
the index alone, 2–3 times faster on the 300,000-person county than from the table
(docs/benchmarks.md). Plain SQL, the same on SQLite and PostgreSQL, and kept out of the
model state so that the model needs no change.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0002_special_groups")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX person_unit_stats ON people_person (unit_id, birth_date, sex, possible_duplicate)",
            reverse_sql="DROP INDEX person_unit_stats",
        ),
    ]
