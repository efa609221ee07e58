import datetime

import pytest
from django.core.exceptions import ValidationError

from banbiantian.conftest import make_id_number, make_person
from banbiantian.core.models import AuditEntry
from banbiantian.lib.phone import PhoneError, normalise_phone
from banbiantian.people import services
from banbiantian.people.models import Person, SpecialGroup


def _create(personas, tree, **data):
    id_number = data.pop("id_number", None)
    return services.person_create(by=personas.village_a, unit=tree.village_a, **{"name": "王秀英", **data},
                                  id_number=id_number)


def test_ethnicity_short_form_is_accepted(personas, tree):
    assert _create(personas, tree, ethnicity="汉").ethnicity == "汉族"
    assert _create(personas, tree, name="蓝美玲", ethnicity="畲").ethnicity == "畲族"


def test_unknown_ethnicity_is_refused(personas, tree):
    with pytest.raises(ValidationError) as exc:
        _create(personas, tree, ethnicity="火星族")
    assert exc.value.message_dict["ethnicity"] == ["“火星族”不是56个民族之一。"]
    assert not Person.objects.exists()


def test_old_15_digit_number_is_stored_upgraded(personas, tree):
    person = _create(personas, tree, id_number="330122650312022")
    assert person.id_number == "33012219650312022" + person.id_number[-1] and len(person.id_number) == 18
    assert person.birth_date == datetime.date(1965, 3, 12) and person.sex == "F"
    with pytest.raises(ValidationError, match="已登记"):
        _create(personas, tree, name="另一人", id_number=person.id_number)


def test_birth_date_that_contradicts_the_id_number_is_refused(personas, tree):
    number = make_id_number(datetime.date(1985, 3, 12))
    with pytest.raises(ValidationError) as exc:
        _create(personas, tree, id_number=number, birth_date=datetime.date(1986, 1, 1))
    assert "不一致" in exc.value.message_dict["birth_date"][0]
    assert not Person.objects.exists() and not AuditEntry.objects.exists()


def test_search_keys_are_kept(personas, tree):
    person = _create(personas, tree)
    assert (person.name_pinyin, person.name_initials) == ("wangxiuying", "wxy")
    services.person_update(by=personas.village_a, person=person, name="李桂兰")
    person.refresh_from_db()
    assert person.name_initials == "lgl"


def test_update_outside_scope_is_refused(personas, tree):
    person = make_person(tree.village_a)
    with pytest.raises(ValidationError):
        services.person_update(by=personas.village_b, person=person, phone="13900001111")


def test_viewer_cannot_write(personas, tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.person_create(by=personas.viewer, unit=tree.village_a, name="王秀英")


def test_children_groups_only_for_minors(personas, tree):
    adult = make_person(tree.village_a)
    group = SpecialGroup.objects.get(name="留守儿童")
    with pytest.raises(ValidationError, match="只适用于未满18周岁"):
        services.membership_add(by=personas.village_a, person=adult, group=group, start_date=datetime.date(2025, 1, 1))


def test_membership_end_before_start_is_refused(personas, tree):
    person = make_person(tree.village_a)
    group = SpecialGroup.objects.get(name="留守妇女")
    with pytest.raises(ValidationError, match="结束日期不能早于起始日期"):
        services.membership_add(by=personas.village_a, person=person, group=group,
                                start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2024, 1, 1))


@pytest.mark.parametrize("raw, stored", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("0571-87654321", "0571-87654321"),
    ("057187654321", "0571-87654321"),
    ("(0571)87654321", "0571-87654321"),
    ("010 12345678", "010-12345678"),
])
def test_phone_forms(raw, stored):
    assert normalise_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "abc", "8765432", "0571-123"])
def test_bad_phones(raw):
    with pytest.raises(PhoneError):
        normalise_phone(raw)
