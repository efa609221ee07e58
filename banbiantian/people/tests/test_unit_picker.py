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


# The same rule in the service, for every path that does not come through the form or the API.

def test_the_service_refuses_a_merged_village_whoever_calls_it(tree, personas):
    import pytest
    from django.core.exceptions import ValidationError

    from banbiantian.people import services

    closed = make_closed(tree)
    with pytest.raises(ValidationError) as refused:
        services.person_create(by=personas.chair, unit=closed, name="王秀英")
    assert "“桥西村”已于" in refused.value.message_dict["unit"][0] and not Person.objects.exists()
    person = make_person(tree.village_a, "李桂兰")
    with pytest.raises(ValidationError):
        services.person_update(by=personas.chair, person=person, unit=closed)
    assert Person.objects.get(pk=person.pk).unit == tree.village_a
    there = make_person(closed, "张美华")  # registered before the merger: she can still be corrected
    services.person_update(by=personas.chair, person=there, unit=closed, phone="13900001111")
    assert Person.objects.get(pk=there.pk).phone == "13900001111"


def test_a_ledger_row_naming_a_merged_village_is_refused_but_its_people_are_still_updated(tree, personas):
    import io

    import openpyxl

    from banbiantian.conftest import make_id_number
    from banbiantian.lib.xlsx.readers import Sheet
    from banbiantian.transfer import engine

    closed = make_closed(tree)
    there = make_person(closed, "张美华", phone="13700000001")
    new_number = make_id_number(__import__("datetime").date(1990, 1, 2), seq=41)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "所属村", "联系电话"])
    sheet.append(["王秀英", new_number, "桥西村", ""])        # a new person in the merged village
    sheet.append(["张美华", there.id_number, "桥西村", "13900001111"])  # already there: updated
    sheet.append(["李桂兰", make_id_number(__import__("datetime").date(1991, 1, 2), seq=43), "东塘村", ""])
    data = io.BytesIO()
    book.save(data)
    registry = engine.get_registry("people")
    sheet = Sheet(io.BytesIO(data.getvalue()), "台账.xlsx")
    layout = engine.find_header(sheet, registry)
    report = engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=personas.chair,
                        unit=tree.township, dry_run=False)
    errors = [(row, message) for row, _column, level, message, *_ in report.issues if level == "error"]
    assert errors == [(2, f"“桥西村”已于{closed.active_to:%Y-%m-%d}撤销，不能再登记人员，请选择现有单位。")]
    assert (report.created, report.updated, report.failed) == (1, 1, 1)
    assert not Person.objects.filter(id_number=new_number).exists()
    assert Person.objects.get(pk=there.pk).phone == "13900001111"
    assert Person.objects.get(name="李桂兰").unit == tree.village_a
