"""The official 2025 and 2026 holiday calendars (国办发明电〔2024〕12号, 国办发明电〔2025〕7号):
days off and the weekend days worked instead (调休上班). Later years are added on the holidays page."""

import datetime

from django.db import migrations

# (name, first day off, last day off, [weekend days worked])
CALENDARS = [
    ("元旦", "2025-01-01", "2025-01-01", []),
    ("春节", "2025-01-28", "2025-02-04", ["2025-01-26", "2025-02-08"]),
    ("清明节", "2025-04-04", "2025-04-06", []),
    ("劳动节", "2025-05-01", "2025-05-05", ["2025-04-27"]),
    ("端午节", "2025-05-31", "2025-06-02", []),
    ("国庆节、中秋节", "2025-10-01", "2025-10-08", ["2025-09-28", "2025-10-11"]),
    ("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
    ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
    ("清明节", "2026-04-04", "2026-04-06", []),
    ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
    ("端午节", "2026-06-19", "2026-06-21", []),
    ("中秋节", "2026-09-25", "2026-09-27", []),
    ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
]


def days():
    for name, first, last, worked in CALENDARS:
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            yield day, "off", name
            day += datetime.timedelta(days=1)
        for text in worked:
            yield datetime.date.fromisoformat(text), "work", name


def add(apps, schema_editor):
    Holiday = apps.get_model("rights", "Holiday")
    for day, kind, name in days():
        Holiday.objects.update_or_create(day=day, defaults={"kind": kind, "name": name})


def remove(apps, schema_editor):
    apps.get_model("rights", "Holiday").objects.filter(day__in=[d for d, _k, _n in days()]).delete()


class Migration(migrations.Migration):
    dependencies = [("rights", "0008_holiday")]
    operations = [migrations.RunPython(add, remove)]
