"""Personas shared by every app's tests.

The tree: 清溪县 → 东塘镇 (东塘村 = village A, 桥头村 = village B) and 西岭乡 (西岭村).
Personas: county officer (county admin), township chair of 东塘镇, village A director,
village B director (the outsider for village A's records), a read-only viewer at the county.
"""

import datetime
import itertools

import pytest
from django.test import Client
from stdnum.cn import ric

from banbiantian.core.models import Level, OrgUnit, User
from banbiantian.core.roles import Role
from banbiantian.people.models import Person
from banbiantian.people.search import name_keys

PASSWORD = "Banbiantian-2026!"


def make_id_number(birth: datetime.date, *, female: bool = True, seq: int = 1, area: str = "330122") -> str:
    """A valid 18-digit number for the given birth date (sequence digit odd for men, even for women)."""
    order = f"{seq % 100:02d}{(seq * 2) % 10 if female else (seq * 2 + 1) % 10}"
    body = f"{area}{birth:%Y%m%d}{order}"
    return body + ric.calc_check_digit(body + "0")


_seq = itertools.count(1)


def make_person(unit, name="王秀英", *, birth=datetime.date(1985, 3, 12), female=True, phone="", id_number=None,
                **extra) -> Person:
    number = id_number if id_number is not None else make_id_number(birth, female=female, seq=next(_seq))
    full, initials = name_keys(name)
    return Person.objects.create(unit=unit, name=name, name_pinyin=full, name_initials=initials, id_number=number,
                                 birth_date=birth, sex="F" if female else "M", phone=phone, **extra)


def _unit(code, name, level, parent=None):
    return OrgUnit.objects.create(code=code, name=name, level=level, parent=parent)


@pytest.fixture
def tree(db):
    county = _unit("330122000000", "清溪县", Level.COUNTY)
    township = _unit("330122101000", "东塘镇", Level.TOWNSHIP, county)
    other_township = _unit("330122201000", "西岭乡", Level.TOWNSHIP, county)
    village_a = _unit("330122101001", "东塘村", Level.VILLAGE, township)
    village_b = _unit("330122101002", "桥头村", Level.VILLAGE, township)
    village_c = _unit("330122201001", "西岭村", Level.VILLAGE, other_township)
    return type("Tree", (), dict(county=county, township=township, other_township=other_township,
                                 village_a=village_a, village_b=village_b, village_c=village_c))


def _user(username, unit, role):
    return User.objects.create_user(username=username, password=PASSWORD, unit=unit, role=role,
                                    full_name=username)


@pytest.fixture
def personas(tree):
    return type("Personas", (), dict(
        county=_user("county", tree.county, Role.COUNTY_ADMIN),
        chair=_user("chair", tree.township, Role.TOWNSHIP_CHAIR),
        village_a=_user("village_a", tree.village_a, Role.VILLAGE_DIRECTOR),
        village_b=_user("village_b", tree.village_b, Role.VILLAGE_DIRECTOR),
        viewer=_user("viewer", tree.county, Role.VIEWER),
    ))


@pytest.fixture
def login():
    """login(user) -> a Client logged in as that user."""

    def _login(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


# Reference rows that data migrations create (special groups, case categories). A live-server
# test runs in a transaction-less database that is flushed afterwards, which removes those rows
# for the next live-server test; this puts them back. The migrations' own functions are reused.
REFERENCE_DATA = [
    ("banbiantian.people.migrations.0002_special_groups", "add_groups"),
    ("banbiantian.rights.migrations.0002_case_categories", "add"),
    ("banbiantian.rights.migrations.0009_holiday_calendar", "add"),
]


@pytest.fixture(autouse=True)
def _reference_data_for_live_server(request):
    if "live_server" not in request.fixturenames:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)
