"""A county's manual target shows what its townships reported: how many, the range, the sum."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from banbiantian.planning import selectors, services
from banbiantian.planning.models import Comparison, Target

from .conftest import YEAR


def test_manual_rate_split_shows_how_many_reported_and_the_range(planning, tree, personas, login):
    county = personas.county
    rate = services.target_create(by=county, plan=planning.county_plan,
        label="平安家庭创建率", measure_unit="%", comparison=Comparison.RATE_GTE, value="30")
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
    rate = services.target_create(by=personas.county, plan=planning.county_plan,
        label="平安家庭创建率", measure_unit="%", comparison=Comparison.RATE_GTE, value="30")
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
