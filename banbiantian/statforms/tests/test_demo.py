"""The demo county gets reports of the built-in forms in every state, keeping the forms' rules."""

import pytest
from django.urls import reverse
from django.utils import timezone

from banbiantian.core import demo
from banbiantian.core.models import OrgUnit, User
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
