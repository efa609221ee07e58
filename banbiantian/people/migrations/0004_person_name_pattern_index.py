"""Two PostgreSQL-only indexes on people_person (performance only, no schema change):

- person_name_like (name varchar_pattern_ops): "names starting with 王秀英" is an index range
  whatever the database's collation. SQLite answers the same search from person_name.
- person_id_unit (id, unit_id): records scoped through their person (memberships and the
  other person__unit scopes) find each person's unit from this small index instead of the
  table: the dashboard's membership counts for a 300,000-person county take half the time.
  SQLite keeps its rows in id order already, so it gets neither.
"""

from django.db import migrations

INDEXES = {
    "person_name_like": "people_person (name varchar_pattern_ops)",
    "person_id_unit": "people_person (id, unit_id)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_unit_stats_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
