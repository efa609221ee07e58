"""The people registry's metrics on a hand-built village pair, with the answers worked out."""

import datetime

import pytest

from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import Period
from banbiantian.people.models import GroupMembership, Household, Person, SpecialGroup

Y2026 = Period("year", 2026)
Q1 = Period("quarter", 2026, 1)


def _registered(person, day):
    # created_at is auto_now_add: set it to noon of `day` in Shanghai time.
    from django.utils import timezone
    Person.objects.filter(pk=person.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))))
    return person


@pytest.fixture
def registry(tree):
    """Village A: 3 women (one registered 2025, one in Q1 2026, one in Q3 2026), a girl, a man.
    Village B: 1 woman registered in Q1 2026. Village C: 1 woman registered in 2025."""
    a, b, c = tree.village_a, tree.village_b, tree.village_c
    w1 = _registered(make_person(a, "甲", birth=datetime.date(1980, 1, 1)), datetime.date(2025, 6, 1))
    w2 = _registered(make_person(a, "乙", birth=datetime.date(1990, 1, 1)), datetime.date(2026, 2, 1))
    w3 = _registered(make_person(a, "丙", birth=datetime.date(1970, 1, 1)), datetime.date(2026, 8, 1))
    girl = _registered(make_person(a, "丁", birth=datetime.date(2015, 1, 1)), datetime.date(2026, 1, 5))
    man = _registered(make_person(a, "戊", birth=datetime.date(1980, 1, 1), female=False), datetime.date(2025, 3, 1))
    w4 = _registered(make_person(b, "己", birth=datetime.date(1985, 1, 1)), datetime.date(2026, 3, 31))
    w5 = _registered(make_person(c, "庚", birth=datetime.date(1975, 1, 1)), datetime.date(2025, 12, 31))
    # Turning 18 during 2026: a woman at the year's end, a child at the end of Q1.
    turning = _registered(make_person(b, "辛", birth=datetime.date(2008, 6, 1)), datetime.date(2025, 1, 1))
    groups = dict(SpecialGroup.objects.values_list("code", "id"))
    left, poor = groups["left_behind_women"], groups["poor_mothers"]
    # w1 left-behind all along; two spells of w2 in 2026 (counted once); w3 ended in 2025 (not in 2026);
    # w4 starts in Q3 (in the year, not in Q1); w5 poor mother.
    GroupMembership.objects.create(person=w1, group_id=left, start_date=datetime.date(2024, 1, 1))
    GroupMembership.objects.create(person=w2, group_id=left, start_date=datetime.date(2026, 1, 1),
                                   end_date=datetime.date(2026, 2, 1))
    GroupMembership.objects.create(person=w2, group_id=left, start_date=datetime.date(2026, 5, 1))
    GroupMembership.objects.create(person=w3, group_id=left, start_date=datetime.date(2024, 1, 1),
                                   end_date=datetime.date(2025, 12, 31))
    GroupMembership.objects.create(person=w4, group_id=left, start_date=datetime.date(2026, 7, 1))
    GroupMembership.objects.create(person=w5, group_id=poor, start_date=datetime.date(2020, 1, 1))
    GroupMembership.objects.create(person=w1, group_id=poor, start_date=datetime.date(2020, 1, 1))
    h = Household.objects.create(unit=a)
    Household.objects.filter(pk=h.pk).update(created_at=datetime.datetime(2026, 1, 2, 12, tzinfo=datetime.UTC))
    Household.objects.create(unit=c)  # registered today
    return type("R", (), dict(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, girl=girl, man=man, turning=turning))


def _units(tree):
    return [tree.county, tree.township, tree.other_township, tree.village_a, tree.village_b, tree.village_c]


def _by_name(tree, got):
    names = ["county", "township", "other_township", "village_a", "village_b", "village_c"]
    return {n: got[getattr(tree, n).pk] for n in names}


@pytest.mark.parametrize("key, period, expected", [
    # Women registered by 31 Dec 2026, 18 or over then: w1 w2 w3 | w4 turning | w5.
    ("people.women", Y2026, dict(county=6, township=5, other_township=1, village_a=3, village_b=2, village_c=1)),
    # By 31 March: w1 w2 | w4 (turning is 17 then) | w5.
    ("people.women", Q1, dict(county=4, township=3, other_township=1, village_a=2, village_b=1, village_c=1)),
    # Registered during 2026: w2 w3 | w4.
    ("people.women_new", Y2026, dict(county=3, township=3, other_township=0, village_a=2, village_b=1, village_c=0)),
    ("people.women_new", Q1, dict(county=2, township=2, other_township=0, village_a=1, village_b=1, village_c=0)),
    ("people.persons", Y2026, dict(county=8, township=7, other_township=1, village_a=5, village_b=2, village_c=1)),
    ("people.children", Q1, dict(county=2, township=2, other_township=0, village_a=1, village_b=1, village_c=0)),
    ("people.children", Y2026, dict(county=1, township=1, other_township=0, village_a=1, village_b=0, village_c=0)),
    # Left-behind women active in 2026: w1, w2 (two spells, once) | w4 ; w3 ended in 2025.
    ("people.group.left_behind_women", Y2026,
     dict(county=3, township=3, other_township=0, village_a=2, village_b=1, village_c=0)),
    ("people.group.left_behind_women", Q1,
     dict(county=2, township=2, other_township=0, village_a=2, village_b=0, village_c=0)),
    ("people.group.poor_mothers", Y2026, dict(county=2, township=1, other_township=1, village_a=1, village_b=0,
                                              village_c=1)),
    # Anyone in any group in 2026: w1 w2 w4 w5 (w1 is in two groups, counted once).
    ("people.special_group_people", Y2026,
     dict(county=4, township=3, other_township=1, village_a=2, village_b=1, village_c=1)),
])
def test_people_metrics_worked_out(tree, registry, key, period, expected):
    got = metrics.compute([key], _units(tree), period)[key]
    assert _by_name(tree, got) == expected
    # The same figure asked for one unit alone (a different query shape) agrees.
    assert metrics.value(key, tree.village_a, period) == expected["village_a"]
    assert metrics.value(key, tree.county, period) == expected["county"]


def test_households_stock(tree, registry):
    got = metrics.compute(["people.households"], _units(tree), Y2026)["people.households"]
    assert got[tree.village_a.pk] == 1
    assert got[tree.county.pk] == got[tree.township.pk] + got[tree.other_township.pk]
    assert metrics.value("people.households", tree.county, Period("year", 2025)) == 0


def test_records_are_scoped_and_match_the_figure(tree, registry, personas):
    women = metrics.get("people.women")
    listed = women.records(personas.chair, tree.township, Y2026)
    assert sorted(p.name for p in listed) == sorted(["甲", "乙", "丙", "己", "辛"])
    # Village A's director asking for the township sees only her own village's records.
    assert {p.unit_id for p in women.records(personas.village_a, tree.township, Y2026)} == {tree.village_a.pk}
    assert not women.records(personas.chair, tree.other_township, Y2026).exists()
    row = [str(header) for header, _f in women.columns]
    assert "身份证号" in row
    id_column = dict((str(h), f) for h, f in women.columns)["身份证号"]
    shown = id_column(registry.w1)
    assert "*" in shown and shown != registry.w1.id_number
    group = metrics.get("people.group.left_behind_women")
    assert sorted(p.name for p in group.records(personas.county, tree.county, Q1)) == ["乙", "甲"]
