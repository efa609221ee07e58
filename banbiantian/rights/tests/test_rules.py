import datetime

import pytest

from banbiantian.rights import rules
from banbiantian.rights.models import RightsPolicy


@pytest.mark.parametrize("yes, level", [
    ([], "low"),
    (["children"], "low"),
    (["children", "substance"], "medium"),
    (["injured"], "medium"),
    (["injured", "substance"], "medium"),
    (["injured", "fear"], "high"),
    (["escalating", "children", "separating"], "high"),
    (["weapon"], "danger"),
    (["children", "threat_kill"], "danger"),
    (["strangle"], "danger"),
])
def test_risk_level(yes, level):
    assert rules.risk_level(dict.fromkeys(yes, True)) == level


def test_risk_level_ignores_unknown_and_false_answers():
    assert rules.risk_level({"weapon": False, "nonsense": True}) == "low"


def test_add_workdays_skips_weekends():
    friday = datetime.date(2026, 11, 20)
    assert rules.add_workdays(friday, 1) == datetime.date(2026, 11, 23)  # Monday
    assert rules.add_workdays(friday, 5) == datetime.date(2026, 11, 27)
    assert rules.add_workdays(datetime.date(2026, 11, 23), 5) == datetime.date(2026, 11, 30)


def test_add_months_clamps_to_month_end():
    assert rules.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert rules.add_months(datetime.date(2026, 1, 15), 6) == datetime.date(2026, 7, 15)


def test_policy_defaults_and_nearest_ancestor(tree):
    assert rules.policy_for(tree.township).close_days == 60
    RightsPolicy.objects.create(unit=tree.county, close_days=45)
    assert rules.policy_for(tree.township).close_days == 45
    RightsPolicy.objects.create(unit=tree.township, close_days=30)
    assert rules.policy_for(tree.township).close_days == 30
    assert rules.policy_for(tree.other_township).close_days == 45


def test_number_format(tree):
    policy = RightsPolicy(unit=tree.township)
    assert rules.format_number(tree.township, policy, 2026, 17) == "东塘妇信〔2026〕17号"
    policy.number_format = "{short}维〔{year}〕第{seq}号"
    policy.short_name = "东塘镇妇联"
    assert rules.format_number(tree.township, policy, 2026, 3) == "东塘镇妇联维〔2026〕第3号"
