"""Pairings with no visit for 90 days are on the 待办 of those who care for them, never of another village."""

import datetime

from django.utils import timezone

from banbiantian.care import services
from banbiantian.care.dashboard import todo
from banbiantian.conftest import make_person


def test_an_overdue_pairing_is_on_the_todo_of_its_village_and_township(tree, personas):
    today = timezone.localdate()
    woman = make_person(tree.village_a, "王秀英")
    helper = make_person(tree.village_a, "李爱华", birth=datetime.date(1970, 5, 1))
    services.pairing_create(by=personas.chair, helper=helper, beneficiary=woman, helper_kind="cadre",
                            start_date=today - datetime.timedelta(days=120))
    for user in (personas.chair, personas.village_a):
        [item] = todo(user)
        assert "逾期未走访" in item.text and item.count == 1 and item.url.endswith("?overdue=1")
        assert item.due == today - datetime.timedelta(days=30)
    assert todo(personas.village_b) == []
    assert todo(personas.viewer) == []  # reads only: nothing to do
