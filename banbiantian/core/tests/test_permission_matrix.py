"""Every URL × every persona: who gets the page, who gets 403 (role), who gets 404 (not hers).

A new view must be added here: `test_matrix_covers_every_url` fails otherwise.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from banbiantian.conftest import make_person
from banbiantian.people.models import GroupMembership, SpecialGroup

PERSONAS = ["county", "chair", "village_a", "village_b", "viewer"]
ALL_OK = dict.fromkeys(PERSONAS, 200)

# (url name, args key, method, {persona: status}); args keys are resolved by the `targets` fixture.
MATRIX = [
    ("dashboard", None, "get", ALL_OK),
    ("org:tree", None, "get", ALL_OK),
    ("org:unit", "village_a", "get", {**ALL_OK, "village_b": 404}),
    ("org:create", "township", "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("org:close", "village_a", "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:list", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:create", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:export", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:edit", "user_a", "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:password", "user_a", "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:my_password", None, "get", ALL_OK),
    ("users:set_active", "user_a", "post", {"county": 302, "chair": 302, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("audit:list", None, "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("people:home", None, "get", ALL_OK),
    ("people:create", None, "get", {**ALL_OK, "viewer": 403}),
    ("people:export", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("people:detail", "person", "get", {**ALL_OK, "village_b": 404}),
    ("people:edit", "person", "get", {**ALL_OK, "village_b": 404, "viewer": 403}),
    ("people:reveal_id", "person", "post", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("people:membership_add", "person", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
    ("people:household_create", "person", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
    ("people:membership_end", "membership", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
    ("people:household_add_member", "person", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
    ("people:guardian_set", "person", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
    ("people:relative_candidates", "person", "get", {**ALL_OK, "village_b": 404, "viewer": 403}),
]
# Form data sent with a row's request (by url name), built from the targets.
DATA = {
    "people:household_add_member": lambda t: {"member": t["relative"], "relation": "child"},
    "people:guardian_set": lambda t: {"guardian": t["relative"]},
    "people:relative_candidates": lambda t: {"q": "李"},
}
# Served by other test modules (auth flow; the API and each area app keep a matrix of their own).
EXEMPT = {"login", "logout"}
EXEMPT_NAMESPACES = {"api", "transfer", "rights", "care", "planning", "statforms"}


@pytest.fixture
def targets(tree, personas):
    person = make_person(tree.village_a, "王秀英")
    relative = make_person(tree.village_a, "李小妹")
    membership = GroupMembership.objects.create(person=person, group=SpecialGroup.objects.get(name="留守妇女"))
    return {"village_a": tree.village_a.pk, "township": tree.township.pk, "user_a": personas.village_a.pk,
            "person": person.pk, "membership": membership.pk, "relative": relative.pk}


def _cases():
    for name, key, method, expected in MATRIX:
        for persona in PERSONAS:
            yield pytest.param(name, key, method, persona, expected[persona], id=f"{name}-{persona}")


@pytest.mark.parametrize("name, key, method, persona, status", list(_cases()))
def test_permission_matrix(name, key, method, persona, status, targets, personas, login):
    url = reverse(name, args=[targets[key]] if key else [])
    data = DATA[name](targets) if name in DATA else {}
    response = getattr(login(getattr(personas, persona)), method)(url, data)
    assert response.status_code == status


@pytest.mark.parametrize("name, key, method", [(n, k, m) for n, k, m, _ in MATRIX], ids=[m[0] for m in MATRIX])
def test_wrong_method_is_405(name, key, method, targets, personas, login):
    url = reverse(name, args=[targets[key]] if key else [])
    client = login(personas.county)
    assert client.put(url).status_code == 405
    if method == "post":
        assert client.get(url).status_code == 405


@pytest.mark.parametrize("name, key, method", [(n, k, m) for n, k, m, _ in MATRIX], ids=[m[0] for m in MATRIX])
def test_anonymous_is_sent_to_login(name, key, method, targets, client):
    url = reverse(name, args=[targets[key]] if key else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _url_names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in EXEMPT_NAMESPACES:
                continue
            yield from _url_names(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_matrix_covers_every_url():
    names = set(_url_names(get_resolver().url_patterns)) - EXEMPT
    assert names == {row[0] for row in MATRIX}
