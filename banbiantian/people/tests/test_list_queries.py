"""The 疑似重复 page reads the same number of queries for 1 candidate as for 5: nothing is fetched per row."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banbiantian.conftest import make_person

BIRTH = datetime.date(1980, 5, 1)


def _queries(client, url) -> int:
    client.get(url)  # warm: the session, the menu
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_duplicate_candidates_page_does_not_grow_with_candidates(personas, tree, login):
    client = login(personas.chair)
    first = make_person(tree.village_a, "李桂兰", birth=BIRTH, possible_duplicate=True)
    make_person(tree.village_a, "李桂兰", birth=BIRTH)
    url = reverse("people:duplicates", args=[first.pk])
    one = _queries(client, url)
    for _ in range(4):
        make_person(tree.village_a, "李桂兰", birth=BIRTH)
    assert _queries(client, url) == one == PINNED_DUPLICATES


# session, user, the person (with unit, household, guardian), her memberships, the candidates, their count
PINNED_DUPLICATES = 6
