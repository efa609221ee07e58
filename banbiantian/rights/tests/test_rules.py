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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_add_workdays_follows_the_official_holiday_calendar():
    """The 2025 and 2026 calendars are preloaded by a data migration (国办发明电〔2024〕12号, 〔2025〕7号)."""
    # 2026 National Day: 10-01 (Thu) to 10-07 off, Saturday 10-10 worked. Received Wed 9-30:
    # working days 10-08 (Thu) 1, 10-09 (Fri) 2, 10-10 (Sat, 调休) 3, 10-12 (Mon) 4, 10-13 5.
    assert rules.add_workdays(datetime.date(2026, 9, 30), 5) == datetime.date(2026, 10, 13)
    # Spring Festival 2026: 2-15 to 2-23 off, Saturday 2-14 worked. Received Fri 2-13: 2-14 (Sat) 1,
    # then 2-24 2, 2-25 3, 2-26 4, 2-27 5.
    assert rules.add_workdays(datetime.date(2026, 2, 13), 5) == datetime.date(2026, 2, 27)
    # 2025 New Year's Day (Wednesday only): received Tue 2024-12-31 → 1-02, 1-03, 1-06, 1-07, 1-08.
    assert rules.add_workdays(datetime.date(2024, 12, 31), 5) == datetime.date(2025, 1, 8)
    # Sunday 2025-09-28 is worked: received Fri 9-26 → 9-28 1, 9-29 2, 9-30 3, then 10-09 4, 10-10 5.
    assert rules.add_workdays(datetime.date(2025, 9, 26), 5) == datetime.date(2025, 10, 10)
    # Without the calendar rows only weekends count.
    assert rules.add_workdays(datetime.date(2026, 9, 30), 5, calendar=(set(), set())) == datetime.date(2026, 10, 7)
