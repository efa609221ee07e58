"""What a tester found clicking through the demo (issue 6, items 1, 2, 7, 8): each test fails
on the code before its fix."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from banbiantian.conftest import make_person
from banbiantian.core import areas, metrics
from banbiantian.core.metrics import Period
from banbiantian.people.models import Person
from banbiantian.planning import selectors, services, summary
from banbiantian.planning.models import Comparison, Target

from .conftest import YEAR


def test_can_open_names_a_rates_numerator_permission(personas):
    assert metrics.permissions("rights.handled_rate") == metrics.permissions("rights.cases_accepted_closed")
    assert not metrics.can_open("rights.handled_rate", personas.viewer)
    assert metrics.can_open("rights.handled_rate", personas.county)
    assert not metrics.can_open("people.women", None)


# --- 2. both halves of 计划统计 reachable --------------------------------------------------------------

def test_planning_home_links_to_the_statistical_forms(planning, personas, login):
    county = login(personas.county).get(reverse("planning:home")).content.decode()
    assert reverse("statforms:home") in county and reverse("statforms:status") in county  # approver
    village = login(personas.village_a).get(reverse("planning:home")).content.decode()
    assert reverse("statforms:home") in village and "本单位待填报的统计报表" in village
    assert reverse("statforms:status") not in village
    viewer = login(personas.viewer).get(reverse("planning:home")).content.decode()
    assert reverse("statforms:home") in viewer and "待填报" not in viewer


# --- 3. a county's manual target shows what its townships reported --------------------------------------

def test_manual_rate_split_shows_how_many_reported_and_the_range(planning, tree, personas, login):
    county = personas.county
    rate = services.target_create(by=county, plan=planning.county_plan, data={
        "label": "平安家庭创建率", "measure_unit": "%", "comparison": Comparison.RATE_GTE, "value": "30"})
    services.target_split(by=county, target=rate, mode="same")
    page = login(county).get(reverse("planning:plan", args=[planning.county_plan.pk])).content.decode()
    assert "乡镇已报0/2" in page
    east = Target.objects.get(parent=rate, plan__unit=tree.township)
    services.target_report_actual(by=personas.chair, target=east, actual="32")
    west_chair = personas.other_chair
    services.target_report_actual(by=west_chair, target=Target.objects.get(parent=rate, plan__unit=tree.other_township),
                                  actual="36")
    client = login(county)
    page = client.get(reverse("planning:plan", args=[planning.county_plan.pk])).content.decode()
    assert "未填报" not in page.split("平安家庭创建率")[1].split("</tr>")[0]
    assert "乡镇已报2/2" in page and "32%～36%" in page and "不能相加或平均" in page
    table = client.get(reverse("planning:townships", args=[planning.county_plan.pk])).content.decode()
    assert "乡镇已报2/2" in table and "32%～36%" in table
    # Never an average (34%): the county types its own figure, shown with the townships' range.
    services.target_report_actual(by=county, target=rate, actual="33")
    rows = {r.target.pk: r for r in selectors.progress_for(list(selectors.targets_of(planning.county_plan)),
                                                           tree.county, YEAR)}
    assert rows[rate.pk].actual == Decimal(33) and "32%～36%" in rows[rate.pk].note
    assert rows[rate.pk].status == "达标"
    doc = Document(io.BytesIO(client.get(reverse("planning:summary") + f"?year={YEAR}").content))
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    line = next(r for r in cells if r[1].startswith("平安家庭创建率"))
    assert line[3].startswith("33%（本级填报；乡镇已报2/2，各乡镇32%～36%")


def test_county_rate_typed_before_any_township_reported(planning, tree, personas):
    rate = services.target_create(by=personas.county, plan=planning.county_plan, data={
        "label": "平安家庭创建率", "measure_unit": "%", "comparison": Comparison.RATE_GTE, "value": "30"})
    services.target_split(by=personas.county, target=rate, mode="same")
    services.target_report_actual(by=personas.county, target=rate, actual="31")
    row = next(r for r in selectors.progress_for(list(selectors.targets_of(planning.county_plan)), tree.county, YEAR)
               if r.target.pk == rate.pk)
    assert row.actual == Decimal(31) and row.note == "本级填报；乡镇已报0/2"


def test_manual_count_split_is_the_townships_sum(planning, tree, personas):
    services.target_report_actual(by=personas.chair, target=planning.events_split, actual="3")
    row = next(r for r in selectors.progress_for(list(selectors.targets_of(planning.county_plan)), tree.county, YEAR)
               if r.target.pk == planning.events.pk)
    assert row.actual == 3 and row.note == "乡镇已报1/2，为已报乡镇合计"
    with pytest.raises(Exception, match="已分解到下级单位"):
        services.target_report_actual(by=personas.county, target=planning.events, actual="9")


# --- 4. the same words count the same thing, on the same day ---------------------------------------------

def test_people_figures_of_the_running_year_equal_the_dashboard(tree, personas, login):
    today = timezone.localdate()
    make_person(tree.village_a, "甲", birth=datetime.date(1980, 1, 1))
    # Turns 18 later this year: a child today, on the dashboard and in this year's figures alike.
    soon = today + datetime.timedelta(days=10)
    make_person(tree.village_a, "乙", birth=soon.replace(year=soon.year - 18, day=min(soon.day, 28)))
    last_year = make_person(tree.village_a, "丙", birth=datetime.date(1990, 6, 1))
    Person.objects.filter(pk=last_year.pk).update(
        created_at=timezone.make_aware(datetime.datetime(today.year - 1, 3, 1, 9)))
    period = Period("year", today.year)
    values = metrics.compute(["people.women", "people.children", "people.women_new"], [tree.county], period)
    from banbiantian.people.dashboard import people_panel

    cards = {str(c["label"]): c["value"] for c in people_panel(personas.county)["cards"]}
    assert values["people.women"][tree.county.pk] == cards["18周岁以上妇女"] == 2
    assert values["people.children"][tree.county.pk] == cards["未成年人"] == 1
    # Newly registered this year: 甲 only, never more than the women registered.
    assert values["people.women_new"][tree.county.pk] == 1
    assert "18周岁以上" in str(metrics.get("people.women").label)
    assert "18周岁以上" in str(metrics.get("people.women_new").label)
    assert "不满18周岁" in str(metrics.get("people.children").label)
    text = "\n".join(s for _h, sentences in summary.sections(tree.county, today.year) for s in sentences)
    assert "18周岁以上妇女2人、未成年人1人" in text and "新登记18周岁以上妇女1人" in text
    assert f"截至{today.month}月{today.day}日" in text  # not "截至年底" before the year ends


def test_a_finished_years_people_figures_are_taken_at_its_end(tree):
    born = datetime.date(2007, 12, 31)  # 18 on the last day of 2025
    person = make_person(tree.village_a, "丁", birth=born)
    Person.objects.filter(pk=person.pk).update(created_at=timezone.make_aware(datetime.datetime(2025, 5, 1, 9)))
    values = metrics.compute(["people.women", "people.children"], [tree.county], Period("year", 2025))
    assert (values["people.women"][tree.county.pk], values["people.children"][tree.county.pk]) == (1, 0)
    text = "\n".join(s for _h, sentences in summary.sections(tree.county, 2025) for s in sentences)
    assert "截至年底" in text and "全年新登记18周岁以上妇女1人" in text


# --- 5. the .docx leaves zero parts out -------------------------------------------------------------------

def test_summary_leaves_zero_parts_out():
    template = ("〔受理家庭暴力案件{rights__dv_cases}件〕〔，其中|高风险{rights__dv_risk_high}件|"
                "危险级{rights__dv_risk_danger}件〕〔；协助出具|告诫书{rights__warnings_issued}份|"
                "人身安全保护令{rights__protection_orders_granted}份〕。")
    figures = {"rights.dv_cases": 8, "rights.dv_risk_high": 2, "rights.dv_risk_danger": 0,
               "rights.warnings_issued": 0, "rights.protection_orders_granted": 1}
    text = summary._drop_empty(template, figures).format(rights__dv_cases=8, rights__dv_risk_high=2,
                                                         rights__protection_orders_granted=1)
    assert text == "受理家庭暴力案件8件，其中高风险2件；协助出具人身安全保护令1份。"
    figures.update({"rights.dv_cases": 0, "rights.dv_risk_high": 0})
    assert summary._drop_empty(template, figures) == "协助出具人身安全保护令{rights__protection_orders_granted}份。"
    # A rate without a denominator (None) is left out too.
    assert summary._drop_empty("办结{a__b}件〔，办结率{a__c}〕。", {"a.b": 3, "a.c": None}) == "办结{a__b}件。"
    wording = "".join(t for _a, _h, templates in areas.summary_sections() for t in templates)
    assert "危险等级" not in wording and "危险级" in wording


# --- 6. a merged village ---------------------------------------------------------------------------------

def test_closed_village_is_not_a_current_unit_but_its_records_still_count(planning, tree, personas, login):
    # 桥头村 merged into 东塘村 at the end of last year; its one woman registered before.
    Person.objects.filter(unit=tree.village_b).update(
        created_at=timezone.make_aware(datetime.datetime(YEAR - 1, 3, 1, 9)))
    tree.village_b.active_to = datetime.date(YEAR - 1, 12, 31)
    tree.village_b.save()
    client = login(personas.chair)
    url = reverse("planning:figure", args=["people.women_new"])
    this_year = client.get(url + f"?unit={tree.township.pk}&period={YEAR}").content.decode()
    assert "桥头村" not in this_year and "东塘村" in this_year
    last_year = client.get(url + f"?unit={tree.township.pk}&period={YEAR - 1}").content.decode()
    assert "桥头村" in last_year and "已撤销" not in last_year  # counted last year, under the old unit
    # The stock still counts her (she is in the registry), so the village shows, marked closed.
    stock = client.get(reverse("planning:figure", args=["people.women"])
                       + f"?unit={tree.township.pk}&period={YEAR}").content.decode()
    assert "桥头村" in stock and "已撤销" in stock


def test_a_township_closed_during_the_year_gets_no_split(tree):
    tree.other_township.active_to = datetime.date(YEAR, 6, 30)
    tree.other_township.save()
    assert selectors.split_units(tree.county, YEAR) == [tree.township]
    assert selectors.split_units(tree.county, YEAR - 1) == [tree.township, tree.other_township]
