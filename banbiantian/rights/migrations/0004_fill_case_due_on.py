"""Fill Case.due_on for cases saved before the column existed (the rule of Case.current_due)."""

from django.db import migrations, models
from django.db.models import Value, When


def fill(apps, schema_editor):
    Case = apps.get_model("rights", "Case")
    Case.objects.update(due_on=models.Case(
        When(status="registered", then="reply_due"),
        When(status__in=["accepted", "close_proposed"], then="close_due"),
        When(status="review", then="review_due"),
        When(status="closed", then="return_visit_due"),
        default=Value(None), output_field=models.DateField(),
    ))


class Migration(migrations.Migration):
    dependencies = [("rights", "0003_case_due_on")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
