"""Steps recorded before the decision date existed took effect when they were typed in: their date is the
local day of their time (not the day this migration runs)."""

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    EnrolmentStep = apps.get_model("care", "EnrolmentStep")
    batch = []
    for step in EnrolmentStep.objects.only("pk", "at").iterator(chunk_size=2000):
        step.on = timezone.localtime(step.at).date()
        batch.append(step)
        if len(batch) >= 2000:
            EnrolmentStep.objects.bulk_update(batch, ["on"])
            batch = []
    EnrolmentStep.objects.bulk_update(batch, ["on"])


class Migration(migrations.Migration):
    dependencies = [("care", "0008_enrolment_step_decision_date")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
