"""上报 sends what is typed in the grid: saved first (validated, whole or not at all), then checked and
sent; a period still running or a report mostly 未填报 goes up only after a deliberate 确认上报."""

from django.urls import reverse
from django.utils import timezone

from banbiantian.core.metrics import Period
from banbiantian.statforms import services
from banbiantian.statforms.models import Report, State, Status, Value

from .test_views import _post


def _stored(report):
    return {v.cell.code: (v.state, v.number) for v in Value.objects.filter(report=report).select_related("cell")}


def test_submit_saves_the_typed_grid_and_sends_it(reports, personas, login):
    client = login(personas.village_a)
    url = reverse("statforms:report_submit", args=[reports.a.pk])
    page = client.post(url, _post(reports.a, B="10", C="4", D="6", P="98.5", M="1200"), follow=True).content.decode()
    assert "已上报，等待上级审核" in page
    report = Report.objects.get(pk=reports.a.pk)
    assert report.status == Status.SUBMITTED
    stored = _stored(report)
    assert {code: stored[code][1] for code in "BCDPM"} == {"B": 10, "C": 4, "D": 6, "P": 98.5, "M": 1200}
    assert "未填报" not in page[page.index("<tbody>"):page.index("</tbody>")]


def test_a_bad_cell_refuses_the_whole_submission(reports, personas, login):
    client = login(personas.village_a)
    response = client.post(reverse("statforms:report_submit", args=[reports.a.pk]),
                           _post(reports.a, B="10", C="十", D="6", P="98", M="1"))
    assert "“女性劳动力·外出务工”：请填写数字" in response.content.decode()
    assert Report.objects.get(pk=reports.a.pk).status == Status.DRAFT
    assert not Value.objects.filter(report=reports.a).exists()


def test_a_blocking_rule_keeps_the_figures_but_does_not_send(reports, personas, login):
    client = login(personas.village_a)
    page = client.post(reverse("statforms:report_submit", args=[reports.a.pk]),
                       _post(reports.a, B="10", C="40", D="0", P="98", M="1"), follow=True).content.decode()
    assert "填写的数字已保存，但未能上报" in page and "外出务工不能多于劳动力" in page
    assert Report.objects.get(pk=reports.a.pk).status == Status.DRAFT
    assert _stored(reports.a)["C"] == (State.NUMBER, 40)


def test_mostly_empty_report_asks_for_confirmation_naming_the_empty_cells(reports, personas, login):
    client = login(personas.village_a)
    url = reverse("statforms:report_submit", args=[reports.a.pk])
    page = client.post(url, _post(reports.a, B="10", C="", D="", P="", M="")).content.decode()
    assert "请确认" in page and "4项未填报" in page
    assert "C 女性劳动力·外出务工" in page and "M 经费" in page
    assert Report.objects.get(pk=reports.a.pk).status == Status.DRAFT
    assert _stored(reports.a)["B"] == (State.NUMBER, 10)  # what was typed is kept
    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert "已上报" in page
    assert Report.objects.get(pk=reports.a.pk).status == Status.SUBMITTED


def test_a_period_not_yet_ended_asks_for_confirmation(form, personas, login):
    current = Period.of("quarter", timezone.localdate())
    report = services.report_open(form=form, period=current, by=personas.village_a)
    client = login(personas.village_a)
    url = reverse("statforms:report_submit", args=[report.pk])
    page = client.post(url, _post(report, B="10", C="4", D="6", P="98", M="1")).content.decode()
    assert f"报告期“{current.label}”尚未结束" in page
    assert Report.objects.get(pk=report.pk).status == Status.DRAFT
    client.post(url, {"confirm": "1"})
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_the_grid_has_one_form_whose_submit_button_posts_the_cells(reports, personas, login):
    page = login(personas.village_a).get(reverse("statforms:report", args=[reports.a.pk])).content.decode()
    grid = page[page.index('<form method="post" class="mt-2">'):]
    grid = grid[:grid.index("</form>")]
    assert 'name="v_B"' in grid
    assert f'formaction="{reverse("statforms:report_submit", args=[reports.a.pk])}"' in grid
