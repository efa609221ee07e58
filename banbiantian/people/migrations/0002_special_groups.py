"""The special groups named in the federation's own plans and summaries (data, extendable)."""

from django.db import migrations

GROUPS = [
    ("left_behind_women", "留守妇女", False),
    ("poor_mothers", "贫困母亲", False),
    ("single_poor_mothers", "单亲特困母亲", False),
    ("disabled_women", "残疾妇女", False),
    ("sick_women", "病患妇女", False),
    ("landless_jobless_women", "失地失业妇女", False),
    ("empty_nest_elderly", "空巢老人", False),
    ("left_behind_children", "留守儿童", True),
    ("migrant_children", "流动儿童", True),
    ("children_in_plight", "困境儿童", True),
    ("disabled_children", "残疾儿童", True),
]


def add_groups(apps, schema_editor):
    SpecialGroup = apps.get_model("people", "SpecialGroup")
    for sort, (code, name, for_children) in enumerate(GROUPS, start=1):
        SpecialGroup.objects.get_or_create(code=code, defaults={"name": name, "for_children": for_children, "sort": sort * 10})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_people_registry")]
    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
