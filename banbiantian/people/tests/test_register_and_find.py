"""Registering with special groups ticked at once, and finding a woman by the last four characters of her
ID number (尾号), as a clerk on the phone is told them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from banbiantian.conftest import make_id_number, make_person
from banbiantian.people.forms import MembershipForm, PersonForm
from banbiantian.people.models import GroupMembership, Person, SpecialGroup
from banbiantian.people.search import query_kind


def _number(ending_in_x: bool) -> str:
    for seq in range(1, 200):
        number = make_id_number(datetime.date(1986, 5, 4), seq=seq)
        if number.endswith("X") == ending_in_x:
            return number
    raise AssertionError("no such number")


def test_registering_with_two_groups_holds_both_from_today(personas, tree, login):
    left_behind, poor = SpecialGroup.objects.get(name="留守妇女"), SpecialGroup.objects.get(name="贫困母亲")
    response = login(personas.village_a).post(reverse("people:create"), {
        "name": "王秀英", "unit": tree.village_a.pk, "sex": "F", "ethnicity": "汉族",
        "groups": [left_behind.pk, poor.pk], "groups_start": timezone.localdate().isoformat()})
    person = Person.objects.get(name="王秀英")
    assert response.status_code == 302
    held = {(m.group.name, m.start_date, m.end_date) for m in GroupMembership.objects.filter(person=person)}
    assert held == {("留守妇女", timezone.localdate(), None), ("贫困母亲", timezone.localdate(), None)}
    page = login(personas.village_a).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "留守妇女" in page and "贫困母亲" in page


def test_a_childrens_group_for_a_woman_refuses_the_whole_registration(personas, tree, login):
    children = SpecialGroup.objects.get(name="留守儿童")
    response = login(personas.village_a).post(reverse("people:create"), {
        "name": "王秀英", "unit": tree.village_a.pk, "sex": "F", "ethnicity": "汉族",
        "id_number": make_id_number(datetime.date(1985, 3, 12), seq=11), "groups": [children.pk]})
    assert response.status_code == 200 and not Person.objects.filter(name="王秀英").exists()
    assert "特殊群体：“留守儿童”只适用于未满18周岁的儿童。" in response.content.decode()


def test_the_form_starts_groups_today_and_only_when_registering(personas, tree):
    form = PersonForm(user=personas.village_a)
    assert form["groups_start"].initial == timezone.localdate()
    assert form["unit"].initial == tree.village_a.pk  # her only village
    assert {"groups", "groups_start"}.isdisjoint(PersonForm(user=personas.village_a, new=False).fields)
    assert MembershipForm()["start_date"].initial == timezone.localdate()


@pytest.mark.parametrize("typed", ["tail", "tail lower-case", "full-width"])
def test_the_last_four_characters_find_her(personas, tree, login, typed):
    number = _number(ending_in_x=True)
    wang = make_person(tree.village_a, "王秀英", id_number=number)
    make_person(tree.village_a, "李桂兰")
    tail = number[-4:]
    q = {"tail": tail, "tail lower-case": tail.lower(),
         "full-width": tail.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))}[typed]
    assert query_kind(q) == "id_tail"
    body = login(personas.village_a).get(reverse("people:home"), {"q": q}).content.decode()
    assert wang.name in body and "李桂兰" not in body and "共 1 人" in body


def test_four_digits_find_an_id_number_or_a_phone_ending_in_them(personas, tree, login):
    wang = make_person(tree.village_a, "王秀英", id_number=_number(ending_in_x=False))
    li = make_person(tree.village_a, "李桂兰", phone="1370000" + wang.id_number[-4:])
    make_person(tree.village_a, "张美华", phone="13700009999")
    body = login(personas.village_a).get(reverse("people:home"), {"q": wang.id_number[-4:]}).content.decode()
    assert "王秀英" in body and li.name in body and "张美华" not in body
    other = make_person(tree.village_b, "赵小红")  # outside her village: never found
    body = login(personas.village_a).get(reverse("people:home"), {"q": other.id_number[-4:]}).content.decode()
    assert "赵小红" not in body
