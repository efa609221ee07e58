"""Every care list downloads what it shows: filters applied, scope respected, logged."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from banbiantian.care import services
from banbiantian.care.lists import EXPORTS
from banbiantian.care.urls import XLSX
from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry


def _sheet(response):
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_every_list_has_a_download():
    assert set(XLSX) == set(EXPORTS)


def test_benefits_in_scope_only_and_logged(care, tree, personas, login):
    west = make_person(tree.village_c, "西岭人")
    programme = services.programme_create(by=personas.county, unit=tree.county,
        name="县慰问", kind="holiday", year=care.today.year, fund_source="县财政")
    services.benefit_create(by=personas.county, programme=programme, person=west, given_on=care.today, cash="50",
                            delivered_by="县妇联")
    header, rows = _sheet(login(personas.chair).get(reverse("care:benefits_xlsx")))
    assert header[:4] == ("姓名", "所属单位", "发放日期", "帮扶项目")
    assert "身份证号" not in header
    assert sorted(r[0] for r in rows) == ["王秀英", "王秀英"]  # her benefit and the round's; not 西岭人
    entry = AuditEntry.objects.get(action="export", object_type="care.benefits")
    assert entry.actor == personas.chair and entry.changes["rows"] == 2
    _header, rows = _sheet(login(personas.county).get(reverse("care:benefits_xlsx")))
    assert len(rows) == 3


def test_filters_of_the_page_apply(care, personas, login):
    client = login(personas.chair)
    _h, rows = _sheet(client.get(reverse("care:programme_xlsx", args=[care.programme.pk]), {"status": "applied"}))
    assert [(r[0], r[4]) for r in rows] == [("王秀英", "申请")]
    _h, rows = _sheet(client.get(reverse("care:programme_xlsx", args=[care.programme.pk]), {"status": "approved"}))
    assert rows == []
    _h, rows = _sheet(client.get(reverse("care:pairings_xlsx"), {"q": "张"}))
    assert rows == []  # no one named 张
    _h, rows = _sheet(client.get(reverse("care:pairings_xlsx"), {"q": "李爱华"}))
    assert [(r[0], r[2]) for r in rows] == [("王秀英", "李爱华")]
    assert AuditEntry.objects.get(object_type="care.programme", changes__filters={"status": "approved"})


def test_text_that_excel_would_run_is_escaped(care, tree, personas, login):
    person = make_person(tree.village_a, "=HYPERLINK(1)")
    services.benefit_create(by=personas.chair, programme=care.programme, person=person, given_on=care.today,
                            cash="10", delivered_by="+x")
    _h, rows = _sheet(login(personas.chair).get(reverse("care:benefits_xlsx")))
    assert "'=HYPERLINK(1)" in [r[0] for r in rows]


def test_health_results_download_logs_each_woman_viewed(care, personas, login):
    before = AuditEntry.objects.filter(action="view", object_type="care.screeningresult").count()
    header, rows = _sheet(login(personas.chair).get(reverse("care:campaign_xlsx", args=[care.campaign.pk])))
    assert "结果" in header and [(r[0], r[header.index("结果")]) for r in rows] == [("王秀英", "确诊")]
    assert AuditEntry.objects.filter(action="view", object_type="care.screeningresult").count() == before + 1
    _h, rows = _sheet(login(personas.chair).get(reverse("care:relief_xlsx")))
    assert [r[0] for r in rows] == ["王秀英"]


def test_every_download_opens(care, personas, login):
    client = login(personas.county)
    ids = {"programme": care.programme.pk, "round": care.round.pk, "fund": care.fund.pk,
           "campaign": care.campaign.pk, "census_round": care.census.pk}
    for name in EXPORTS:
        args = [ids[name]] if name in ids else []
        header, rows = _sheet(client.get(reverse(f"care:{name}_xlsx", args=args)))
        assert len(header) == len(EXPORTS[name].columns) and rows, name


def test_the_download_button_only_for_those_who_may_export(care, personas, login):
    assert "下载Excel" in login(personas.chair).get(reverse("care:benefits")).content.decode()
    assert "下载Excel" not in login(personas.village_a).get(reverse("care:benefits")).content.decode()
