import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from banbiantian.conftest import make_id_number, make_person
from banbiantian.core.models import AuditEntry
from banbiantian.people.models import Person, SpecialGroup

PEOPLE = reverse("api:person-list")
FORTY_YEARS_AGO = datetime.date(datetime.date.today().year - 40, 1, 1)  # in the 36-59 age band


def person_url(pk) -> str:
    return reverse("api:person-detail", args=[pk])


def reveal_url(pk) -> str:
    return reverse("api:person-reveal-id-number", args=[pk])


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def all_messages(body: dict) -> list[str]:
    return [message for messages in body.values() for message in messages]


def is_chinese(message: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", message) is not None


@pytest.fixture
def wang(tree):
    return make_person(tree.village_a, "王秀英", phone="13812345678", birth=FORTY_YEARS_AGO)


@pytest.fixture
def new_person(tree):
    return {"name": "张三妹", "unit": tree.village_a.pk, "phone": "139 0000 1111", "ethnicity": "汉",
            "id_number": make_id_number(datetime.date(1990, 5, 6), seq=41)}


def nothing_written():
    return not Person.objects.filter(name="张三妹").exists() and not AuditEntry.objects.filter(
        action__in=["create", "update"]).exists()


# --- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona, expected", [
    ("county", ["王秀英", "李桂兰", "赵玉兰"]),
    ("chair", ["王秀英", "李桂兰"]),
    ("village_a", ["王秀英"]),
    ("village_b", ["李桂兰"]),
    ("viewer", ["王秀英", "李桂兰", "赵玉兰"]),
])
def test_list_is_scoped_and_numbers_are_masked(personas, tree, wang, login, persona, expected):
    li = make_person(tree.village_b, "李桂兰")
    make_person(tree.village_c, "赵玉兰")
    response = login(getattr(personas, persona)).get(PEOPLE)
    assert response.status_code == 200
    assert names(response) == expected
    body = response.content.decode()
    assert wang.id_number not in body and li.id_number not in body
    assert "id_number" not in response.json()["results"][0]
    if "王秀英" in expected:
        row = response.json()["results"][0]
        assert row["id_number_masked"] == wang.id_number_masked and "*" in row["id_number_masked"]
        assert row["unit"] == tree.village_a.pk and row["unit_name"] == "东塘村"
        assert row["phone"] == "13812345678" and row["age"] == wang.age


def test_list_filters(personas, tree, wang, login):
    make_person(tree.village_b, "李桂兰", birth=datetime.date(1950, 1, 1))
    make_person(tree.village_c, "赵玉兰")
    group = SpecialGroup.objects.get(name="留守妇女")
    wang.memberships.create(group=group, start_date=datetime.date(2025, 1, 1))
    client = login(personas.county)
    for q in ["wxy", "王秀", wang.id_number, "13812345678"]:
        assert names(client.get(PEOPLE, {"q": q})) == ["王秀英"], q
    assert names(client.get(PEOPLE, {"unit": tree.township.pk})) == ["王秀英", "李桂兰"]
    assert names(client.get(PEOPLE, {"group": group.pk})) == ["王秀英"]
    assert names(client.get(PEOPLE, {"age_band": "60-"})) == ["李桂兰"]
    assert names(client.get(PEOPLE, {"age_band": "36-59", "unit": tree.village_a.pk})) == ["王秀英"]


def test_list_bad_filters_are_400_in_chinese(personas, tree, login):
    client = login(personas.chair)
    response = client.get(PEOPLE, {"unit": tree.village_c.pk, "age_band": "7-8", "group": 999999})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"unit", "age_band", "group"}
    assert all(is_chinese(m) for m in all_messages(body))


def test_list_is_paginated(personas, tree, login):
    Person.objects.bulk_create([Person(unit=tree.village_a, name=f"人员{i:02d}") for i in range(55)])
    client = login(personas.village_a)
    first = client.get(PEOPLE).json()
    assert first["count"] == 55 and len(first["results"]) == 50 and first["next"]
    assert len(client.get(PEOPLE, {"page": 2}).json()["results"]) == 5


def test_list_query_count_is_constant(personas, tree, login, django_assert_num_queries):
    for i, village in enumerate([tree.village_a, tree.village_a, tree.village_b, tree.village_c]):
        make_person(village, f"王秀英{i}", birth=FORTY_YEARS_AGO)
    client = login(personas.county)
    # 1 session, 2 user, 3 the user's unit (its path scopes the list),
    # 4 COUNT for the pager, 5 the page of people joined with their units
    with django_assert_num_queries(5):
        response = client.get(PEOPLE)
    assert response.json()["count"] == 4
    group = SpecialGroup.objects.get(name="留守妇女")
    wang = Person.objects.get(name="王秀英0")
    wang.memberships.create(group=group, start_date=datetime.date(2025, 1, 1))
    # Filters naming ids add one query each to check them: 1-3 as above, 4 the unit, 5 the group,
    # 6 COUNT, 7 the page
    with django_assert_num_queries(7):
        response = client.get(PEOPLE, {"unit": tree.township.pk, "group": group.pk, "q": "王", "age_band": "36-59"})
    assert names(response) == ["王秀英0"]


def test_list_query_count_with_token(personas, tree, django_assert_num_queries):
    for i in range(3):
        make_person(tree.village_a, f"王秀英{i}")
    token, _ = Token.objects.get_or_create(user=personas.village_a)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    # 1 token joined with its user, 2 the user's unit, 3 COUNT, 4 the page
    with django_assert_num_queries(4):
        response = client.get(PEOPLE)
    assert response.json()["count"] == 3


# --- detail -----------------------------------------------------------------------------------


def test_detail_own_outsider_and_missing(personas, wang, login):
    group = SpecialGroup.objects.get(name="留守妇女")
    wang.memberships.create(group=group, start_date=datetime.date(2025, 1, 1))
    response = login(personas.village_a).get(person_url(wang.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "王秀英" and body["id_number_masked"] == wang.id_number_masked
    assert wang.id_number not in response.content.decode()
    assert body["memberships"][0]["group_name"] == "留守妇女" and body["memberships"][0]["is_current"]
    # Missing and not-yours look the same.
    outsider = login(personas.village_b).get(person_url(wang.pk))
    missing = login(personas.village_b).get(person_url(999999))
    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == missing.json()
    assert login(personas.village_b).get(person_url("abc")).status_code == 404


def test_viewer_reads_but_full_number_stays_masked(personas, wang, login):
    client = login(personas.county)  # may view the full number, still sees it masked here
    assert wang.id_number not in client.get(person_url(wang.pk)).content.decode()
    assert login(personas.viewer).get(person_url(wang.pk)).status_code == 200


# --- create -----------------------------------------------------------------------------------


def test_create_saves_through_the_service_and_audits(personas, tree, login, new_person):
    response = post(login(personas.village_a), PEOPLE, new_person)
    assert response.status_code == 201, response.json()
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.phone == "13900001111" and person.ethnicity == "汉族"
    assert person.birth_date == datetime.date(1990, 5, 6) and person.id_number == new_person["id_number"]
    assert person.created_by == personas.village_a
    assert body["birth_date"] == "1990-05-06" and body["memberships"] == []
    assert new_person["id_number"] not in response.content.decode()
    entry = AuditEntry.objects.get(action="create", object_id=str(person.pk))
    assert entry.actor == personas.village_a and entry.unit == tree.village_a


def test_create_validation_errors_are_chinese_and_nothing_is_written(personas, login, new_person):
    client = login(personas.village_a)
    response = post(client, PEOPLE, {**new_person, "phone": "12345"})
    assert response.status_code == 400
    assert response.json() == {"phone": ["手机号应为11位、以13-19开头的数字。"]}
    response = post(client, PEOPLE, {**new_person, "id_number": new_person["id_number"][:-1] + "0"})
    assert response.status_code == 400 and "校验位错误" in response.json()["id_number"][0]
    response = post(client, PEOPLE, {"unit": new_person["unit"], "sex": "X", "birth_date": "昨天"})
    assert response.status_code == 400
    assert set(response.json()) == {"name", "sex", "birth_date"}
    assert all(is_chinese(m) for m in all_messages(response.json()))
    response = client.post(PEOPLE, "{not json", content_type="application/json")
    assert response.status_code == 400 and is_chinese(response.json()["detail"])
    assert nothing_written()


def test_create_duplicate_id_names_the_record_only_to_those_who_may_see_it(personas, tree, wang, login, new_person):
    data = {**new_person, "id_number": wang.id_number}
    response = post(login(personas.village_a), PEOPLE, data)
    assert response.status_code == 400 and "已登记为“王秀英”（东塘村）" in response.json()["id_number"][0]
    response = post(login(personas.village_b), PEOPLE, {**data, "unit": tree.village_b.pk})
    assert response.status_code == 400
    assert "已在其他单位登记" in response.json()["id_number"][0] and "王秀英" not in response.content.decode()
    assert nothing_written()


@pytest.mark.parametrize("target", ["village_b", "township", "county"])
def test_create_with_tampered_unit_is_refused(personas, tree, login, new_person, target):
    response = post(login(personas.village_a), PEOPLE, {**new_person, "unit": getattr(tree, target).pk})
    assert response.status_code == 400
    assert "不存在或不在您的管辖范围内" in response.json()["unit"][0]
    assert nothing_written()


def test_create_at_county_level_is_refused_by_the_service(personas, tree, login, new_person):
    response = post(login(personas.county), PEOPLE, {**new_person, "unit": tree.county.pk})
    assert response.status_code == 400 and "县级以上" in response.json()["unit"][0]
    assert nothing_written()


def test_viewer_cannot_create(personas, login, new_person):
    response = post(login(personas.viewer), PEOPLE, new_person)
    assert response.status_code == 403 and is_chinese(response.json()["detail"])
    assert nothing_written()


# --- edit -------------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_audits(personas, wang, login):
    number = wang.id_number
    response = patch(login(personas.village_a), person_url(wang.pk), {"phone": "139 0000 2222", "address": "东塘村3组"})
    assert response.status_code == 200, response.json()
    wang.refresh_from_db()
    assert wang.phone == "13900002222" and wang.address == "东塘村3组"
    assert wang.name == "王秀英" and wang.id_number == number  # not sent: unchanged
    assert response.json()["phone"] == "13900002222"
    entry = AuditEntry.objects.get(action="update", object_id=str(wang.pk))
    assert entry.changes["phone"] == ["13812345678", "13900002222"] and entry.actor == personas.village_a


def test_patch_moves_within_scope_but_not_outside(personas, tree, wang, login):
    response = patch(login(personas.chair), person_url(wang.pk), {"unit": tree.village_b.pk})
    assert response.status_code == 200
    wang.refresh_from_db()
    assert wang.unit == tree.village_b
    response = patch(login(personas.village_b), person_url(wang.pk), {"unit": tree.village_a.pk})
    assert response.status_code == 400 and "不存在或不在您的管辖范围内" in response.json()["unit"][0]
    wang.refresh_from_db()
    assert wang.unit == tree.village_b


def test_patch_validation_error_is_chinese_and_nothing_changes(personas, wang, login):
    response = patch(login(personas.village_a), person_url(wang.pk), {"phone": "12345", "name": "王秀英改"})
    assert response.status_code == 400
    assert response.json() == {"phone": ["手机号应为11位、以13-19开头的数字。"]}
    wang.refresh_from_db()
    assert wang.phone == "13812345678" and wang.name == "王秀英"
    assert nothing_written()


def test_patch_outsider_404_viewer_403(personas, wang, login):
    assert patch(login(personas.village_b), person_url(wang.pk), {"phone": "13900002222"}).status_code == 404
    assert patch(login(personas.village_b), person_url(999999), {"phone": "13900002222"}).status_code == 404
    assert patch(login(personas.viewer), person_url(wang.pk), {"phone": "13900002222"}).status_code == 403
    wang.refresh_from_db()
    assert wang.phone == "13812345678"
    assert nothing_written()


# --- reveal -----------------------------------------------------------------------------------


def test_reveal_returns_the_full_number_and_logs_it(personas, wang, login):
    response = post(login(personas.chair), reveal_url(wang.pk))
    assert response.status_code == 200
    assert response.json() == {"id": wang.pk, "id_number": wang.id_number}
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="view", object_id=str(wang.pk))
    assert entry.actor == personas.chair and entry.ip_address == "127.0.0.1"


def test_reveal_refused_without_permission_or_outside_scope(personas, tree, wang, login):
    assert post(login(personas.village_a), reveal_url(wang.pk)).status_code == 403  # may edit, not reveal
    assert post(login(personas.viewer), reveal_url(wang.pk)).status_code == 403
    zhao = make_person(tree.village_c, "赵玉兰")
    response = post(login(personas.chair), reveal_url(zhao.pk))
    assert response.status_code == 404 and zhao.id_number not in response.content.decode()
    assert post(login(personas.chair), reveal_url(999999)).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


# --- anonymous, methods, tokens ---------------------------------------------------------------


def test_anonymous_gets_json_not_a_redirect(wang, client, new_person):
    for response in [client.get(PEOPLE), client.get(person_url(wang.pk)), post(client, PEOPLE, new_person),
                     patch(client, person_url(wang.pk), {"phone": "13900002222"}), post(client, reveal_url(wang.pk))]:
        assert response.status_code in (401, 403)
        assert response["Content-Type"].startswith("application/json") and "Location" not in response
        assert is_chinese(response.json()["detail"])
    assert nothing_written()
    assert not AuditEntry.objects.filter(action="view").exists()


def test_wrong_method_is_405(personas, wang, login):
    client = login(personas.county)
    assert client.get(reveal_url(wang.pk)).status_code == 405
    assert client.delete(person_url(wang.pk)).status_code == 405
    assert client.put(person_url(wang.pk), json.dumps({"name": "X"}), content_type="application/json").status_code == 405
    assert client.patch(PEOPLE, {}, content_type="application/json").status_code == 405
    assert Person.objects.filter(pk=wang.pk).exists()


def test_token_client_can_write(personas, tree, wang):
    token, _ = Token.objects.get_or_create(user=personas.village_a)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = patch(client, person_url(wang.pk), {"note": "电话核实"})
    assert response.status_code == 200
    assert AuditEntry.objects.get(action="update", object_id=str(wang.pk)).actor == personas.village_a
