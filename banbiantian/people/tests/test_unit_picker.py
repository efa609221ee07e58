"""The registry's unit picker: a merged village is not offered to register someone, and refused if
posted anyway; the list's filter still finds the people registered there before."""

from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.core.tests.test_unit_picker import assert_new_records_refuse, make_closed, offered
from banbiantian.people.forms import PersonFilterForm, PersonForm
from banbiantian.people.models import Person


def test_person_form(tree, personas):
    closed = make_closed(tree)
    assert_new_records_refuse(PersonForm, closed, data={"name": "王秀英", "sex": "F", "ethnicity": "汉族"},
                              user=personas.county)
    assert "桥西村" in offered(PersonFilterForm(user=personas.county).fields["unit"])


def test_registering_in_a_merged_village_is_refused(tree, personas, login):
    closed = make_closed(tree)
    response = login(personas.chair).post(reverse("people:create"), {
        "name": "王秀英", "unit": closed.pk, "sex": "F", "ethnicity": "汉族"})
    assert response.status_code == 200 and not Person.objects.filter(name="王秀英").exists()
    assert "所属村(社区)：“桥西村”已于" in response.content.decode()


def test_someone_registered_there_before_is_found_and_can_be_edited(tree, personas, login):
    closed = make_closed(tree)
    person = make_person(closed, "李桂兰")
    client = login(personas.chair)
    assert "李桂兰" in client.get(reverse("people:home"), {"unit": closed.pk}).content.decode()
    response = client.post(reverse("people:edit", args=[person.pk]), {
        "name": "李桂兰", "unit": closed.pk, "sex": "F", "ethnicity": "汉族", "id_number": person.id_number})
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).unit == closed


def test_the_api_refuses_a_merged_village_for_a_new_person_but_keeps_one_already_there(tree, personas, login):
    import json

    closed = make_closed(tree)
    client = login(personas.chair)
    response = client.post(reverse("api:person-list"), json.dumps({"name": "王秀英", "unit": closed.pk}),
                           content_type="application/json")
    assert response.status_code == 400 and "桥西村" in response.json()["unit"][0] and "撤销" in response.json()["unit"][0]
    person = make_person(closed, "李桂兰")
    url = reverse("api:person-detail", args=[person.pk])
    assert client.patch(url, json.dumps({"unit": closed.pk, "phone": "13900001111"}),
                        content_type="application/json").status_code == 200
