"""The same words count the same thing on the same day: a plan's people figures and the dashboard's."""

import datetime

from django.utils import timezone

from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import Period
from banbiantian.people.models import Person
from banbiantian.planning import summary


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
