"""A person registered twice (a second tap, a second clerk) is merged into the first: her records follow her,
the blanks are filled, the duplicate disappears, and the log says so."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.core.testing.browser import PHONE, log_in
from banbiantian.people import services
from banbiantian.people.models import GroupMembership, Person, SpecialGroup

BIRTH = datetime.date(1980, 5, 1)


@pytest.fixture
def twins(tree, personas):
    first = make_person(tree.village_a, "李桂兰", birth=BIRTH, phone="")
    second = services.person_create(by=personas.village_a, unit=tree.village_a, name="李桂兰", birth_date=BIRTH,
                                    phone="13912345678")
    first.refresh_from_db()
    return first, second


def test_merge_moves_memberships_and_fills_blanks(personas, twins):
    first, second = twins
    assert first.possible_duplicate and second.possible_duplicate
    group = SpecialGroup.objects.create(name="单亲母亲")
    services.membership_add(by=personas.village_a, person=second, group=group, start_date=BIRTH)
    kept = services.person_merge(by=personas.village_a, duplicate=second, into=first)
    assert not Person.objects.filter(pk=second.pk).exists()
    assert GroupMembership.objects.get().person == first
    assert (kept.phone, kept.possible_duplicate) == ("13912345678", False)
    entry = AuditEntry.objects.filter(object_type="people.person", object_id=str(first.pk)).latest("id")
    assert entry.changes["moved"] == {"特殊群体身份": 1} or list(entry.changes["moved"].values()) == [1]
    assert "phone" in entry.changes


def test_two_different_id_numbers_are_two_people(personas, tree):
    a = make_person(tree.village_a, "李桂兰", birth=BIRTH)
    b = make_person(tree.village_a, "李桂兰", birth=BIRTH)
    with pytest.raises(ValidationError):
        services.person_merge(by=personas.village_a, duplicate=b, into=a)
    assert Person.objects.count() == 2


def test_another_villages_director_cannot_merge(personas, twins):
    first, second = twins
    with pytest.raises(ValidationError):
        services.person_merge(by=personas.village_b, duplicate=second, into=first)
    assert Person.objects.count() == 2


def test_not_a_duplicate_clears_both_flags(login, personas, twins):
    first, second = twins
    response = login(personas.village_a).post(reverse("people:duplicates", args=[first.pk]),
                                              {"action": "not_duplicate"})
    assert response.status_code == 302
    assert not Person.objects.filter(possible_duplicate=True).exists()


@pytest.mark.browser
def test_director_merges_a_duplicate_from_the_badge(live_server, new_page, personas, twins):
    first, second = twins
    page = new_page(**PHONE)
    log_in(page, live_server, personas.village_a, reverse("people:detail", args=[first.pk]))
    page.get_by_role("link", name="疑似重复：核实或合并").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="并入本条").click()
    page.get_by_text("已将重复登记并入").wait_for()
    assert list(Person.objects.values_list("pk", flat=True)) == [first.pk]
    assert page.get_by_text("13912345678").is_visible()


def test_membership_correction_and_void_are_logged(personas, tree):
    person = make_person(tree.village_a, "赵小红")
    group = SpecialGroup.objects.create(name="单亲母亲")
    membership = services.membership_add(by=personas.village_a, person=person, group=group,
                                         start_date=datetime.date(2026, 3, 1))
    services.membership_correct(by=personas.village_a, membership=membership, start_date=datetime.date(2025, 3, 1))
    membership.refresh_from_db()
    assert membership.start_date == datetime.date(2025, 3, 1)
    assert AuditEntry.objects.filter(object_type="people.groupmembership", action="update").get().changes[
        "start_date"] == ["2026-03-01", "2025-03-01"]
    with pytest.raises(ValidationError):
        services.membership_void(by=personas.village_a, membership=membership, reason=" ")
    services.membership_void(by=personas.village_a, membership=membership, reason="录错群体")
    assert not GroupMembership.objects.exists()
    assert AuditEntry.objects.filter(object_type="people.groupmembership", action="delete").get().changes[
        "reason"] == "录错群体"


@pytest.mark.browser
def test_chair_corrects_then_voids_a_group_record(live_server, new_page, personas, tree):
    person = make_person(tree.village_a, "赵小红")
    group = SpecialGroup.objects.create(name="单亲母亲")
    membership = services.membership_add(by=personas.chair, person=person, group=group,
                                         start_date=datetime.date(2026, 3, 1))
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("people:detail", args=[person.pk]))
    page.get_by_role("link", name="更正").click()
    page.get_by_label("起始日期").fill("2025-03-01")
    page.get_by_role("button", name="保存更正").click()
    page.get_by_text("已更正。").wait_for()
    membership.refresh_from_db()
    assert membership.start_date == datetime.date(2025, 3, 1)
    page.get_by_role("link", name="更正").click()
    page.get_by_text("录错了").click()
    page.get_by_role("button", name="作废").click()  # no reason: the browser holds the form at the field
    assert page.get_by_label("作废原因").evaluate("e => e.validity.valueMissing")
    assert GroupMembership.objects.exists()
    page.get_by_label("作废原因").fill("录错群体")
    page.get_by_role("button", name="作废").click()
    page.get_by_text("已作废该特殊群体记录。").wait_for()
    assert not GroupMembership.objects.exists()
