"""The case categories every county starts with; a county adds its own as data."""

from django.db import migrations

CATEGORIES = [
    ("marriage", "婚姻家庭纠纷", False),
    ("dv", "家庭暴力", True),
    ("property", "财产与继承", False),
    ("land", "农村妇女土地权益", False),
    ("labour", "劳动就业与社会保障", False),
    ("personal", "人身权利", False),
    ("children", "儿童权益", False),
    ("other", "其他", False),
]


def add(apps, schema_editor):
    CaseCategory = apps.get_model("rights", "CaseCategory")
    for sort, (code, name, dv) in enumerate(CATEGORIES, start=1):
        CaseCategory.objects.update_or_create(code=code, defaults={"name": name, "is_domestic_violence": dv,
                                                                  "sort": sort * 10})


def remove(apps, schema_editor):
    apps.get_model("rights", "CaseCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_cases_referrals_mediation_screening")]
    operations = [migrations.RunPython(add, remove)]
