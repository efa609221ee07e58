"""妇统季1表: its computed share 培训后就业比例 (D3 = D2 / D1) only reads right when the women
placed in jobs are not more than the women trained, so the form warns when D2 > D1."""

from django.db import migrations

MESSAGE = "转移就业妇女多于参加培训妇女，培训后就业比例将超过100%，请核对。"


def add(apps, schema_editor):
    Rule = apps.get_model("statforms", "Rule")
    form = apps.get_model("statforms", "FormDefinition").objects.filter(code="妇统季1表").first()
    if form is not None and not Rule.objects.filter(form=form, kind="le", left="D2", right="D1").exists():
        Rule.objects.create(form=form, kind="le", left="D2", right="D1", blocking=False, message=MESSAGE)


def remove(apps, schema_editor):
    apps.get_model("statforms", "Rule").objects.filter(form__code="妇统季1表", kind="le", left="D2",
                                                      right="D1").delete()


class Migration(migrations.Migration):
    dependencies = [("statforms", "0002_builtin_forms")]
    operations = [migrations.RunPython(add, remove)]
