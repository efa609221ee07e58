"""Fixtures shared by every app's tests: the tree, the personas (one set, in
banbiantian/core/testing/personas.py), logging in, people.

App conftests add only their own records.
"""

import datetime
import itertools

import pytest
from django.test import Client
from stdnum.cn import ric

from banbiantian.core.testing.browser import browser, new_page  # noqa: F401  (fixtures for every app's browser tests)
from banbiantian.core.testing.personas import PASSWORD, Personas, Tree
from banbiantian.people.models import Person
from banbiantian.people.search import name_keys

__all__ = ["PASSWORD", "make_id_number", "make_person"]

# The matrix harness's asserts say what they compared, as a test module's do (the test modules
# import it later).
pytest.register_assert_rewrite("banbiantian.core.testing.matrix")


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


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def personas(tree):
    """The five shared personas; the others (personas.county_rights, …) are made when first used."""
    return Personas(tree)


# The personas beyond the shared five, as fixtures of their own (made only by the tests that ask).
@pytest.fixture
def county_rights(personas):
    return personas.county_rights


@pytest.fixture
def county_staff(personas):
    return personas.county_staff


@pytest.fixture
def township_staff(personas):
    return personas.township_staff


@pytest.fixture
def other_chair(personas):
    return personas.other_chair


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
