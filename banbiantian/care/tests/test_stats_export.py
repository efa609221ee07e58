"""The care statistics workbook goes out through core.exports: a name typed as a formula stays text."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from banbiantian.care.models import Programme
from banbiantian.core.models import AuditEntry


def test_statistics_workbook_escapes_formulas_and_is_logged(care, tree, personas, login):
    Programme.objects.filter(pk=care.programme.pk).update(name="=HYPERLINK(\"http://x\",\"点我\")",
                                                           fund_source="+县妇联")
    response = login(personas.chair).get(reverse("care:stats_xlsx"), {"unit": tree.township.pk,
                                                                      "year": care.today.year})
    assert response["Content-Disposition"] == f'attachment; filename="care-stats-{care.today.year}.xlsx"'
    cells = [c for sheet in load_workbook(io.BytesIO(response.content)).worksheets
             for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in [c.value for c in cells]
    entry = AuditEntry.objects.get(action="export", object_type="care.stats")
    assert entry.unit == tree.township and entry.actor == personas.chair
