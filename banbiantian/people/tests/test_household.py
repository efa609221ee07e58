import datetime

from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry


def test_household_with_spouse_and_child_and_guardian(personas, tree, login):
    mother = make_person(tree.village_a, "王秀英")
    father = make_person(tree.village_a, "李建国", female=False, birth=datetime.date(1983, 5, 1))
    child = make_person(tree.village_a, "李小雨", birth=datetime.date(2016, 9, 1))
    client = login(personas.village_a)
    client.post(reverse("people:household_create", args=[mother.pk]))
    mother.refresh_from_db()
    assert mother.household and mother.relation_to_head == "head"
    # The candidate search finds people of her village only.
    body = client.get(reverse("people:relative_candidates", args=[mother.pk]), {"q": "lxy"}).content.decode()
    assert "李小雨" in body and "王秀英" not in body
    client.post(reverse("people:household_add_member", args=[mother.pk]), {"member": father.pk, "relation": "spouse"})
    client.post(reverse("people:household_add_member", args=[mother.pk]), {"member": child.pk, "relation": "child"})
    client.post(reverse("people:guardian_set", args=[child.pk]), {"guardian": mother.pk})
    child.refresh_from_db()
    assert child.household == mother.household and child.relation_to_head == "child" and child.guardian == mother
    body = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "李建国" in body and "配偶" in body and "监护人" in body
    assert AuditEntry.objects.filter(object_id=str(child.pk), action="update").count() == 2


def test_a_person_of_another_village_cannot_be_added(personas, tree, login):
    mother = make_person(tree.village_a, "王秀英")
    stranger = make_person(tree.village_b, "赵玉兰")
    client = login(personas.village_a)
    client.post(reverse("people:household_create", args=[mother.pk]))
    response = client.post(reverse("people:household_add_member", args=[mother.pk]),
                           {"member": stranger.pk, "relation": "spouse"})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.household is None


def test_second_head_is_refused(personas, tree, login):
    mother = make_person(tree.village_a, "王秀英")
    other = make_person(tree.village_a, "王秀兰")
    client = login(personas.village_a)
    client.post(reverse("people:household_create", args=[mother.pk]))
    response = client.post(reverse("people:household_add_member", args=[mother.pk]),
                           {"member": other.pk, "relation": "head"}, follow=True)
    assert "一个家庭户只能有一位户主" in response.content.decode()
    other.refresh_from_db()
    assert other.household is None


def test_guardian_cannot_be_self(personas, tree, login):
    child = make_person(tree.village_a, "李小雨", birth=datetime.date(2016, 9, 1))
    response = login(personas.village_a).post(reverse("people:guardian_set", args=[child.pk]),
                                              {"guardian": child.pk}, follow=True)
    assert "监护人不能是本人" in response.content.decode()


def test_opening_the_edit_form_with_the_full_number_is_logged(personas, tree, login):
    person = make_person(tree.village_a, "王秀英")
    body = login(personas.chair).get(reverse("people:edit", args=[person.pk])).content.decode()
    assert person.id_number in body
    assert AuditEntry.objects.filter(action="view", actor=personas.chair, object_id=str(person.pk)).exists()
    body = login(personas.village_a).get(reverse("people:edit", args=[person.pk])).content.decode()
    assert person.id_number not in body and person.id_number_masked in body
