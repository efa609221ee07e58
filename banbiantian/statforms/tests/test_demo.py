"""The demo county gets reports of the built-in forms in every state, keeping the forms' rules."""

import pytest
from django.urls import reverse
from django.utils import timezone

from banbiantian.core.models import OrgUnit, User
from banbiantian.demo import county as demo
from banbiantian.statforms import selectors
from banbiantian.statforms.models import Report, Status


@pytest.fixture
def county(db):
    demo.build(townships=3, villages=3, people=300, seed=11)
    return OrgUnit.objects.get(code=demo.COUNTY_CODE)


def test_demo_reports(county, login):
    today = timezone.localdate()
    quarter = selectors.last_closed("quarter", today)
    oldest = Report.objects.filter(form__code="妇统季1表", period_key=quarter.previous().previous().key)
    assert set(oldest.values_list("status", flat=True)) == {Status.APPROVED}
    assert oldest.count() == 3 + 3 * 3  # townships and villages; the village merged in 2019 not among them
    latest = set(Report.objects.filter(form__code="妇统季1表", period_key=quarter.key).values_list("status", flat=True))
    assert len(latest) >= 2
    for report in Report.objects.filter(status__in=[Status.SUBMITTED, Status.APPROVED])[:20]:
        page = selectors.sheet(form=report.form, unit=report.unit, period=report.period, report=report)
        assert [p.message for p in page.problems if p.blocking and not p.needs_explanation] == []
    client = login(User.objects.get(username="county_admin"))
    page = client.get(reverse("statforms:status")).content.decode()
    assert "已审核" in page
    report = oldest.filter(unit__level="township").first()
    assert client.get(reverse("statforms:report", args=[report.pk])).status_code == 200
    summary = client.get(reverse("statforms:summary"), {"form": report.form_id, "period": report.period_key})
    assert "3/3" in summary.content.decode() and "<td>清溪县机关单位妇委会" not in summary.content.decode()


def test_demo_figures_are_plausible(county):
    from banbiantian.core.models import Level

    villages = {t.pk: OrgUnit.objects.filter(parent=t, level=Level.VILLAGE).count()
                for t in OrgUnit.objects.filter(path__startswith=county.path, level=Level.TOWNSHIP)}
    checked = 0
    for report in Report.objects.filter(status__in=[Status.SUBMITTED, Status.APPROVED]).select_related("form", "unit"):
        page = selectors.sheet(form=report.form, unit=report.unit, period=report.period, report=report)
        assert [p.message for p in page.problems if p.blocking] == [], report
        got = {line.cell.code: line.entry.number for line in page.lines}
        for line in page.lines:
            if line.cell.value_type == "share" and line.entry.number is not None:
                assert line.entry.number <= 100, (report, line.cell.code, line.entry.number)
        if report.form.code == "妇统季1表":
            assert got["D2"] is None or got["D1"] is None or got["D2"] <= got["D1"], report
        if report.form.code == "妇统年1表":
            n = villages[report.unit_id]
            assert got["N4"] <= n and got["N2"] <= got["N1"] <= 9 * n, (report, got)
            assert got["P1"] <= 1 and got["P2"] <= 3, (report, got)
        if report.form.code == "妇统年2表" and report.unit.level == Level.VILLAGE:
            assert got["H2"] <= 1 and got["J1"] <= 25, (report, got)
        checked += 1
    assert checked > 20
    # The summaries of the county reconcile and keep shares within 100%.
    for form_code in ("妇统季1表", "妇统年1表"):
        report = Report.objects.filter(form__code=form_code, status=Status.APPROVED).first()
        units = [county, *selectors.comparison_units(report.form, county, report.period)]
        sums = selectors.summarise(report.form, units, report.period)
        for code, entry in sums[county.pk].entries.items():
            if report.form.cells.get(code=code).value_type == "share":
                assert entry.number is None or entry.number <= 100, (form_code, code, entry.number)
