import pytest
from django.test import Client
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from banbiantian.conftest import PASSWORD
from banbiantian.core.models import AuditEntry, User
from banbiantian.core.roles import Role
from banbiantian.core.testing import matrix

UNITS = reverse("api:unit-list")


def unit_url(unit_id) -> str:
    return reverse("api:unit-detail", args=[unit_id])


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


assert_refused_as_json = matrix.refused_as_json


# --- tokens -----------------------------------------------------------------------------------


def test_token_for_good_password_authenticates_later_calls(personas):
    response = Client().post(reverse("api:token"), {"username": "village_a", "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=personas.village_a).key == key
    again = Client().post(reverse("api:token"), {"username": "village_a", "password": PASSWORD})  # form-encoded
    assert again.json()["token"] == key
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").get(UNITS)
    assert response.status_code == 200
    assert names(response) == ["东塘村"]
    # Taking a token is a login: it is in the audit trail.
    assert AuditEntry.objects.filter(action="login", actor=personas.village_a).count() == 2


def test_token_wrong_password_is_chinese_and_issues_nothing(personas):
    response = Client().post(reverse("api:token"), {"username": "village_a", "password": "nope"})
    assert response.status_code == 400
    assert "用户名或密码错误" in response.json()["non_field_errors"][0]
    response = Client().post(reverse("api:token"), {"username": "village_a"})
    assert response.status_code == 400 and "必填" in response.json()["password"][0]
    assert not Token.objects.exists()


def test_token_is_locked_after_five_failures_here_and_on_the_login_page(personas):
    client = Client()
    statuses = [client.post(reverse("api:token"), {"username": "village_a", "password": "wrong-password"}).status_code
                for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]  # the fifth failure locks
    response = client.post(reverse("api:token"), {"username": "village_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.json()["detail"]
    assert not Token.objects.exists()
    # The same lock (user name + address) holds on the login page.
    response = Client().post(reverse("login"), {"username": "village_a", "password": PASSWORD})
    assert response.status_code == 429
    # Other users are not affected.
    response = client.post(reverse("api:token"), {"username": "village_b", "password": PASSWORD})
    assert response.status_code == 200


def test_a_token_clears_earlier_failures(personas):
    client = Client()
    for _ in range(4):
        assert client.post(reverse("api:token"), {"username": "village_a", "password": "nope"}).status_code == 400
    assert client.post(reverse("api:token"), {"username": "village_a", "password": PASSWORD}).status_code == 200
    for _ in range(4):
        assert client.post(reverse("api:token"), {"username": "village_a", "password": "nope"}).status_code == 400
    assert client.post(reverse("api:token"), {"username": "village_a", "password": PASSWORD}).status_code == 200


def test_bad_token_is_refused(personas):
    response = Client(HTTP_AUTHORIZATION="Token not-a-real-token").get(UNITS)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_token_of_a_deactivated_user_stops_working(personas):
    client = token_client(personas.village_a)
    assert client.get(UNITS).status_code == 200
    User.objects.filter(pk=personas.village_a.pk).update(is_active=False)
    assert client.get(UNITS).status_code in (401, 403)


# --- org units --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona, expected", [
    ("county", ["清溪县", "东塘镇", "东塘村", "桥头村", "西岭乡", "西岭村"]),
    ("chair", ["东塘镇", "东塘村", "桥头村"]),
    ("village_a", ["东塘村"]),
    ("village_b", ["桥头村"]),
    ("viewer", ["清溪县", "东塘镇", "东塘村", "桥头村", "西岭乡", "西岭村"]),
])
def test_units_list_is_the_users_subtree(personas, login, persona, expected):
    response = login(getattr(personas, persona)).get(UNITS)
    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_units_filters(personas, tree, login):
    client = login(personas.county)
    assert names(client.get(UNITS, {"level": "village"})) == ["东塘村", "桥头村", "西岭村"]
    assert names(client.get(UNITS, {"parent": tree.township.pk})) == ["东塘村", "桥头村"]
    row = client.get(UNITS, {"parent": tree.county.pk}).json()["results"][0]
    assert row == {"id": tree.township.pk, "code": "330122101000", "name": "东塘镇", "level": "township",
                   "level_label": "乡镇(街道)", "parent": tree.county.pk, "active_from": None, "active_to": None,
                   "is_active": True, "note": ""}


def test_units_bad_filters_are_400_in_chinese(personas, tree, login):
    client = login(personas.chair)
    response = client.get(UNITS, {"level": "galaxy"})
    assert response.status_code == 400 and "不是合法选项" in response.json()["level"][0]
    # A parent outside the subtree reads exactly like one that does not exist.
    outside = client.get(UNITS, {"parent": tree.other_township.pk}).json()["parent"][0]
    missing = client.get(UNITS, {"parent": 999999}).json()["parent"][0]
    assert "不存在或不在您的管辖范围内" in outside
    assert outside.replace(str(tree.other_township.pk), "X") == missing.replace("999999", "X")


def test_unit_detail_own_outsider_and_missing(personas, tree, login):
    response = login(personas.chair).get(unit_url(tree.village_a.pk))
    assert response.status_code == 200 and response.json()["name"] == "东塘村"
    assert login(personas.village_b).get(unit_url(tree.village_a.pk)).status_code == 404
    assert login(personas.village_b).get(unit_url(tree.township.pk)).status_code == 404  # above her, not hers
    assert login(personas.village_b).get(unit_url(999999)).status_code == 404
    assert login(personas.village_b).get(unit_url("abc")).status_code == 404


def test_user_without_a_unit_is_forbidden(db, login):
    loose = User.objects.create_user(username="loose", password=PASSWORD, role=Role.COUNTY_ADMIN)
    assert login(loose).get(UNITS).status_code == 403


def test_units_anonymous_gets_json_not_a_redirect(tree, client):
    assert_refused_as_json(client.get(UNITS))
    assert_refused_as_json(client.get(unit_url(tree.county.pk)))


def test_units_are_read_only(personas, tree, login):
    client = login(personas.county)
    assert client.post(UNITS, {"name": "新村"}).status_code == 405
    assert client.patch(unit_url(tree.village_a.pk), {"name": "X"}, content_type="application/json").status_code == 405
    assert client.delete(unit_url(tree.village_a.pk)).status_code == 405
    assert client.options(UNITS).status_code == 405
    assert client.get(reverse("api:token")).status_code == 405


def test_units_list_query_count_is_constant(personas, login, django_assert_num_queries):
    client = login(personas.county)  # six units in the tree
    # 1 session, 2 user, 3 the user's unit (its path scopes the list), 4 COUNT for the pager, 5 the page
    with django_assert_num_queries(5):
        response = client.get(UNITS)
    assert response.json()["count"] == 6


def test_units_list_query_count_with_token(personas, django_assert_num_queries):
    client = token_client(personas.county)
    # 1 token joined with its user, 2 the user's unit, 3 COUNT, 4 the page
    with django_assert_num_queries(4):
        assert client.get(UNITS).status_code == 200


# --- schema -----------------------------------------------------------------------------------

API_PATHS = {
    "/api/token/", "/api/units/", "/api/units/{id}/", "/api/people/", "/api/people/{id}/",
    "/api/people/{id}/reveal-id-number/",
}


def test_schema_endpoint_serves_valid_openapi_to_signed_in_users(personas, login, client):
    assert_refused_as_json(client.get(reverse("api:schema"), {"format": "json"}))
    response = login(personas.viewer).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert API_PATHS <= set(schema["paths"])
    person = schema["paths"]["/api/people/{id}/"]
    assert "get" in person and "patch" in person and "put" not in person and "delete" not in person
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    assert "id_number" not in schema["components"]["schemas"]["PersonDetail"]["properties"]
    # JSON by default, YAML on request.
    assert login(personas.viewer).get(reverse("api:schema")).json()["openapi"] == schema["openapi"]
    assert login(personas.viewer).get(reverse("api:schema"), {"format": "yaml"}).content.startswith(b"openapi: 3")


def test_schema_generates_without_warnings(db):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned while generating the schema; run `manage.py spectacular`"
    validate_schema(schema)
