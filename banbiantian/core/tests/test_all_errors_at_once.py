"""A form with two bad fields shows both in one round trip, in every form family: the services check every
field before refusing (lib/errors.py), and a form with errors of its own shows the service's too."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from banbiantian.care.services import campaign_create, fund_create, fund_entry_create
from banbiantian.conftest import make_person
from banbiantian.core.services import org_unit_create
from banbiantian.people.models import Person
from banbiantian.planning.services import plan_create, target_create
from banbiantian.rights import services as rights
from banbiantian.rights.models import CaseCategory

TODAY = timezone.localdate()


def _errors(html: str) -> list[str]:
    return re.findall(r'<div class="invalid-feedback d-block">([^<]+)</div>', html)


def test_people_form_shows_a_bad_phone_and_a_bad_id_number_together(login, personas, tree):
    client = login(personas.village_a)
    page = client.post(reverse("people:create"), {"name": "李桂兰", "unit": tree.village_a.pk, "sex": "F",
                                                  "ethnicity": "汉族", "phone": "12", "id_number": "33012219"})
    shown = _errors(page.content.decode())
    assert [e.split("：")[0] for e in shown] == ["身份证号", "联系电话"], shown
    assert not Person.objects.exists()


def test_people_form_with_an_error_of_its_own_shows_the_registry_s_too(login, personas, tree):
    """No village chosen (the form's error) does not hide the bad ID number (the registry's)."""
    client = login(personas.village_a)
    page = client.post(reverse("people:create"), {"name": "李桂兰", "unit": "", "sex": "F", "ethnicity": "汉族",
                                                  "id_number": "33012219"})
    assert [e.split("：")[0] for e in _errors(page.content.decode())] == ["身份证号", "所属村(社区)"]


def test_rights_quick_person_shows_both(login, personas, tree):
    client = login(personas.village_a)
    page = client.post(reverse("rights:person_add"), {"name": "刘翠花", "phone": "12", "id_number": "33012219",
                                                      "unit": tree.village_a.pk})
    assert page.status_code == 400
    assert {e.split("：")[0] for e in _errors(page.content.decode())} == {"联系电话", "身份证号"}


def _both(exc_info, *fields):
    assert set(exc_info.value.message_dict) >= set(fields), exc_info.value.message_dict


def test_rights_services_name_every_bad_field(personas, tree):
    woman = make_person(tree.village_a, "王秀英")
    case = rights.case_register(by=personas.chair, petitioner=woman, channel="visit",
                                category=CaseCategory.objects.get(code="marriage"), request="调解", received_on=TODAY)
    case = rights.case_accept(by=personas.chair, case=case, on=TODAY)
    with pytest.raises(ValidationError) as exc:
        rights.extension_request(by=personas.chair, case=case, days=99, reason="", version=case.version)
    _both(exc, "days", "reason")
    with pytest.raises(ValidationError) as exc:  # no consent to share: a reason is needed, and a receiving unit
        rights.case_refer(by=personas.county, case=case, agency="court", receiving_unit="", referred_on=TODAY,
                          version=case.version)
    _both(exc, "receiving_unit", "without_consent_reason")


def test_care_services_name_every_bad_field(personas, tree):
    with pytest.raises(ValidationError) as exc:
        campaign_create(by=personas.chair, unit=tree.township, name=" ", date=TODAY, institution="")
    _both(exc, "name", "institution")
    fund = fund_create(by=personas.chair, unit=tree.township, name="春蕾基金")
    with pytest.raises(ValidationError) as exc:  # a mistyped amount does not hide the missing donor
        fund_entry_create(by=personas.chair, fund=fund, direction="in", date=TODAY, amount="五百", party="")
    _both(exc, "amount", "party")


def test_planning_services_name_every_bad_field(personas, tree):
    plan = plan_create(by=personas.county, unit=tree.county, year=TODAY.year)
    with pytest.raises(ValidationError) as exc:
        target_create(by=personas.county, plan=plan, value="许多", label="", measure_unit="")
    _both(exc, "label", "measure_unit", "value")


def test_core_services_name_every_bad_field(personas, tree):
    with pytest.raises(ValidationError) as exc:
        org_unit_create(by=personas.county, parent=tree.township, code="12", name=" ", level="village",
                        active_from=datetime.date(2026, 1, 1))
    _both(exc, "code", "name")


def test_user_form_shows_a_taken_username_and_a_weak_password_together(login, personas, tree):
    client = login(personas.county)
    page = client.post(reverse("users:create"), {
        "username": personas.village_a.username, "full_name": "张美华", "unit": tree.village_a.pk,
        "role": "village_director", "password1": "12345678", "password2": "12345678"})
    assert {e.split("：")[0] for e in _errors(page.content.decode())} >= {"用户名", "初始密码"}
