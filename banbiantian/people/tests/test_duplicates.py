"""One woman registered twice in her village (a second tap, Back then save, a ledger imported over a form)
is flagged 疑似重复 when the name matches and the phone or the birth date does."""

import datetime
import io

from banbiantian.conftest import make_person
from banbiantian.lib.xlsx.readers import Sheet
from banbiantian.people import services
from banbiantian.people.models import Person
from banbiantian.transfer import engine
from banbiantian.transfer.tests.helpers import ledger_xlsx


def _create(personas, tree, **fields):
    return services.person_create(by=personas.village_a, unit=tree.village_a, name="李桂兰", **fields)


def test_same_name_and_phone_in_the_village_is_flagged_without_a_birth_date(personas, tree):
    first = _create(personas, tree, phone="13812345678")
    second = _create(personas, tree, phone="138 1234 5678")
    first.refresh_from_db()
    assert second.possible_duplicate and first.possible_duplicate


def test_same_name_and_birth_date_is_still_flagged(personas, tree):
    first = _create(personas, tree, birth_date=datetime.date(1980, 5, 1), phone="13812345678")
    second = _create(personas, tree, birth_date=datetime.date(1980, 5, 1), phone="13900001111")
    first.refresh_from_db()
    assert second.possible_duplicate and first.possible_duplicate


def test_namesakes_differing_in_phone_and_birth_or_living_elsewhere_are_not_flagged(personas, tree):
    make_person(tree.village_b, "李桂兰", phone="13812345678")  # same phone, another village
    first = _create(personas, tree, phone="13812345678", birth_date=datetime.date(1980, 5, 1))
    other = _create(personas, tree, phone="13900001111", birth_date=datetime.date(1990, 5, 1))
    blank = _create(personas, tree)  # nothing to compare but the name
    first.refresh_from_db()
    assert not (first.possible_duplicate or other.possible_duplicate or blank.possible_duplicate)


def test_the_registration_page_says_why_it_flagged(login, personas, tree):
    from django.urls import reverse

    make_person(tree.village_a, "李桂兰", phone="13812345678")
    client = login(personas.village_a)
    page = client.post(reverse("people:create"), {"name": "李桂兰", "unit": tree.village_a.pk, "sex": "F",
                                                  "ethnicity": "汉族", "phone": "13812345678"}, follow=True)
    assert "同村已有同名且电话或出生日期相同的人员，已标记为疑似重复，请核实。" in page.content.decode()


def test_an_imported_row_matching_a_registered_woman_by_name_and_phone_is_flagged(personas, tree):
    registered = make_person(tree.village_a, "王秀英", phone="13812345678", birth=datetime.date(1960, 1, 1),
                             id_number="")
    registered.id_number = None
    registered.save()
    registry = engine.get_registry("people")
    sheet = Sheet(io.BytesIO(ledger_xlsx()), "台账.xlsx")
    layout = engine.find_header(sheet, registry)
    engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=personas.village_a,
               unit=tree.village_a, dry_run=False, mode="update", batch_size=1000)
    imported = Person.objects.exclude(pk=registered.pk).get(name="王秀英")
    registered.refresh_from_db()
    assert imported.possible_duplicate and registered.possible_duplicate
