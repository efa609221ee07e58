"""Unlocking a report below reopens the approved reports above it."""

from banbiantian.statforms import services
from banbiantian.statforms.models import Report, Status

from .conftest import fill


def test_unlocking_a_village_reopens_its_approved_township(reports, tree, personas):
    for report, user in ((reports.a, personas.village_a), (reports.b, personas.village_b),
                         (reports.township, personas.chair)):
        fill(report, user, B=10, C=4, D=6)
        services.report_submit(report=report, by=user)
    services.report_approve(report=reports.a, by=personas.chair)
    services.report_approve(report=reports.b, by=personas.chair)
    services.report_approve(report=reports.township, by=personas.county)
    services.report_unlock(report=reports.a, reason="县统计局核查更正", by=personas.county)
    township = Report.objects.get(pk=reports.township.pk)
    assert township.status == Status.RETURNED and township.editable
    assert "东塘村" in township.return_reason
    assert township.events.last().kind == "unlock"
    assert Report.objects.get(pk=reports.b.pk).status == Status.APPROVED  # a sibling stays approved
