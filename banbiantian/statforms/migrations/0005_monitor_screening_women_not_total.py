"""妇统年1表: M1 (care.screened) counts the women screened — one 人次 whether she had one test or
both — so it is not the 合计 of M2 (宫颈癌) and M3 (乳腺癌), which add up to more when women had
both. Its column says what it is (受检妇女), and so do the rules comparing the tests with it. A
county that has already renamed the cell keeps its own wording."""

from django.db import migrations

OLD, NEW = "合计", "受检妇女"
MESSAGES = {
    "宫颈癌筛查人次不能多于两癌筛查合计。": "宫颈癌筛查人次不能多于受检妇女人次。",
    "乳腺癌筛查人次不能多于两癌筛查合计。": "乳腺癌筛查人次不能多于受检妇女人次。",
}


def _relabel(apps, column_from, column_to, messages):
    Cell = apps.get_model("statforms", "Cell")
    Rule = apps.get_model("statforms", "Rule")
    Cell.objects.filter(form__code="妇统年1表", code="M1", metric_key="care.screened",
                        column_label=column_from).update(column_label=column_to)
    for old, new in messages.items():
        Rule.objects.filter(form__code="妇统年1表", message=old).update(message=new)


def forwards(apps, schema_editor):
    _relabel(apps, OLD, NEW, MESSAGES)


def backwards(apps, schema_editor):
    _relabel(apps, NEW, OLD, {new: old for old, new in MESSAGES.items()})


class Migration(migrations.Migration):
    dependencies = [("statforms", "0004_form_start_absent_reports_reminders")]
    operations = [migrations.RunPython(forwards, backwards)]
