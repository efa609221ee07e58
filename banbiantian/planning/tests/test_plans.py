"""Plans and targets: actuals from the metrics, %, pace and colour; splitting; manual targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from banbiantian.core.models import AuditEntry
from banbiantian.planning import selectors, services
from banbiantian.planning.models import Comparison, Plan, Target

from .conftest import YEAR


def test_plan_rows_actuals_percent_pace(tree, personas, planning):
    targets = list(selectors.targets_of(planning.township_plan))
    rows = {r.target.pk: r for r in selectors.progress_for(targets, tree.township, YEAR, today=planning.today,
                                                           user=personas.chair)}
    women = rows[planning.women_split.pk]
    # 东塘镇 has 4 women against a target of 40: 10%; by 2 July half the year (183/365) has passed.
    assert women.actual == 4 and women.percent == Decimal("10.0")
    assert women.expected.quantize(Decimal("0.1")) == Decimal("20.1")
    assert (women.status, women.colour) == ("进度滞后", "danger")
    assert women.url == f"/planning/figures/people.women/?unit={tree.township.pk}&period={YEAR}"
    own = rows[planning.own.pk]
    assert own.actual == 1 and own.percent == Decimal("50.0")
    events = rows[planning.events_split.pk]
    assert events.actual is None and events.status == "未填报" and events.url is None


def test_pace_and_limits():
    target = Target(metric_key="people.women", comparison=Comparison.GTE, value=Decimal(100))
    half = Decimal("0.5")
    assert selectors.assess(target, 50, half).status == "进度正常"
    assert selectors.assess(target, 45, half).status == "进度稍慢"
    assert selectors.assess(target, 30, half).colour == "danger"
    assert selectors.assess(target, 100, half).status == "已完成"
    assert selectors.assess(target, 90, Decimal(1)).status == "未完成"
    limit = Target(metric_key="people.women", comparison=Comparison.LTE, value=Decimal(1))
    # A limit is on track while under it, early in the year or late.
    assert selectors.assess(limit, 0, Decimal("0.1")).colour == "success"
    assert selectors.assess(limit, 1, Decimal(1)).colour == "success"
    assert selectors.assess(limit, 2, Decimal("0.2")).status == "超出限额"
    rate = Target(label="平安家庭创建率", measure_unit="%", comparison=Comparison.RATE_GTE, value=Decimal(30))
    assert selectors.assess(rate, Decimal("20"), half).status == "尚未达标"  # no pace for a rate
    assert selectors.assess(rate, Decimal("31"), Decimal("0.1")).status == "达标"
    assert selectors.elapsed_share(2025, datetime.date(2026, 1, 1)) == 1
    assert selectors.elapsed_share(2026, datetime.date(2026, 12, 31)) == 1


def test_county_rate_and_manual_sum(tree, personas, planning):
    targets = list(selectors.targets_of(planning.county_plan))
    rows = {r.target.pk: r for r in selectors.progress_for(targets, tree.county, YEAR, today=planning.today)}
    # One left-behind woman among 6 registered: 16.7%, under the 30% limit.
    assert rows[planning.rate.pk].actual == Decimal("16.7")
    assert rows[planning.rate.pk].status == "控制在限额内"
    assert rows[planning.events.pk].actual is None and rows[planning.events.pk].status == "乡镇已报0/2"
    services.target_report_actual(by=personas.chair, target=planning.events_split, actual="3")
    targets = list(selectors.targets_of(planning.county_plan))
    rows = {r.target.pk: r for r in selectors.progress_for(targets, tree.county, YEAR, today=planning.today)}
    assert rows[planning.events.pk].actual == 3 and "乡镇已报1/2" in rows[planning.events.pk].note


def test_split_even_proportional_and_manual(tree, personas, planning):
    county = personas.county
    plan = planning.county_plan
    trained = services.target_create(by=county, plan=plan,
        metric_key="people.women", comparison="gte", value="7")
    splits = services.target_split(by=county, target=trained, mode="even")
    assert [s.value for s in splits] == [Decimal(4), Decimal(3)]  # the remainder to the first
    splits = services.target_split(by=county, target=trained, mode="proportional", basis="people.women")
    # 4 women in 东塘镇, 2 in 西岭乡: 7 × 4/6 = 4.67 → 5, 7 × 2/6 = 2.33 → 2.
    assert [s.value for s in splits] == [Decimal(5), Decimal(2)]
    assert Target.objects.filter(parent=trained).count() == 2  # re-splitting updates, never duplicates
    with pytest.raises(ValidationError) as exc:
        services.target_split(by=county, target=trained, mode="manual",
                              values={tree.township.pk: "5", tree.other_township.pk: "3"})
    assert "各乡镇分解数之和（8）与本级目标值（7）不一致" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.target_split(by=county, target=trained, mode="manual",
                              values={tree.township.pk: "6.5", tree.other_township.pk: "0.5"})
    assert "必须是整数" in exc.value.messages[0]
    rate = services.target_split(by=county, target=planning.rate, mode="same")
    assert [s.value for s in rate] == [Decimal(30), Decimal(30)]
    with pytest.raises(ValidationError):
        services.target_split(by=county, target=planning.rate, mode="even")
    assert services.largest_remainder(total=Decimal("100.00"), weights=[1, 1, 1], quantum=Decimal("0.01")) == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_validation_messages(tree, personas, planning):
    county, plan = personas.county, planning.county_plan
    cases = [
        ({"metric_key": "people.women", "comparison": "gte", "value": "-1"}, "目标值不能是负数"),
        ({"metric_key": "people.women", "comparison": "gte", "value": "abc"}, "目标值必须是数字"),
        ({"metric_key": "people.women", "comparison": "gte", "value": "2.5"}, "必须是整数"),
        ({"metric_key": "test.left_behind_share", "comparison": "lte", "value": "120"}, "不能超过100"),
        ({"metric_key": "test.left_behind_share", "comparison": "gte", "value": "20"}, "是比率"),
        ({"metric_key": "people.women", "comparison": "rate_gte", "value": "20"}, "不是比率"),
        ({"metric_key": "nope.nothing", "comparison": "gte", "value": "1"}, "统计指标不存在"),
        ({"comparison": "gte", "value": "1"}, "目标名称不能为空"),
        ({"label": "示范村", "comparison": "gte", "value": "1"}, "计量单位不能为空"),
    ]
    before = Target.objects.count()
    for data, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.target_create(by=county, plan=plan, **data)
        assert message in " ".join(exc.value.messages), data
    assert Target.objects.count() == before


def test_who_may_write(tree, personas, planning):
    # The township cannot change what the county handed down, nor the county plan.
    with pytest.raises(ValidationError):
        services.target_update(by=personas.chair, target=planning.women_split,
            metric_key="people.women", comparison="gte", value="1")
    with pytest.raises(PermissionDenied):
        services.target_create(by=personas.chair, plan=planning.county_plan,
            metric_key="people.women", comparison="gte", value="1")
    # The county does not write in the township's plan except by splitting.
    with pytest.raises(PermissionDenied):
        services.target_update(by=personas.county, target=planning.own,
            metric_key="people.women", comparison="gte", value="1")
    with pytest.raises(PermissionDenied):
        services.target_report_actual(by=personas.viewer, target=planning.events, actual="1")
    with pytest.raises(ValidationError):
        services.target_report_actual(by=personas.county, target=planning.events, actual="1")  # split: summed
    with pytest.raises(ValidationError):
        services.target_report_actual(by=personas.chair, target=planning.own, actual="1")  # computed
    with pytest.raises(ValidationError):
        services.plan_create(by=personas.county, unit=tree.county, year=YEAR)


def test_writes_are_audited(tree, personas, planning):
    entries = AuditEntry.objects.filter(object_type="planning.target")
    assert entries.filter(action="create").count() == Target.objects.count()
    services.target_report_actual(by=personas.chair, target=planning.events_split, actual="2")
    entry = entries.filter(action="update", object_id=str(planning.events_split.pk)).latest("id")
    assert entry.changes == {"actual": [None, "2.00"]} and entry.unit == tree.township
    planning.events_split.refresh_from_db()
    assert planning.events_split.actual_by == personas.chair and planning.events_split.actual_at
    women_pk = planning.women.pk
    services.target_delete(by=personas.county, target=planning.women)
    assert not Target.objects.filter(parent_id=women_pk).exists()
    assert entries.filter(action="delete").count() == 3  # the target and its two splits
    assert Plan.objects.filter(year=YEAR).count() == 3
