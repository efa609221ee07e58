"""A merged (closed) village or township: not a current unit, no split, its records still counted."""

import datetime

from django.urls import reverse
from django.utils import timezone

from banbiantian.people.models import Person
from banbiantian.planning import selectors

from .conftest import YEAR


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
