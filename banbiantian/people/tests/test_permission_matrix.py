"""The people area's pages and API endpoints × every persona (the harness: core.testing.matrix)."""

import datetime

import pytest

from banbiantian.conftest import make_person
from banbiantian.core.testing import matrix
from banbiantian.people.models import GroupMembership, SpecialGroup

ALL_OK = dict.fromkeys(matrix.PERSONAS, 200)
WRITERS_OK = {"county": 200, "chair": 200, "village_a": 200, "village_b": 404, "viewer": 403}
REVEALERS_OK = {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}

# (url name, args key, method, {persona: status}); args keys are resolved by the `targets` fixture.
MATRIX = [
    ("people:home", None, "get", ALL_OK),
    ("people:create", None, "get", {**ALL_OK, "viewer": 403}),
    ("people:export", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("people:detail", "person", "get", {**ALL_OK, "village_b": 404}),
    # A minor's page needs view_children (the read-only viewer has it not).
    ("people:detail", "minor", "get", {**ALL_OK, "village_b": 404, "viewer": 403}),
    ("people:edit", "person", "get", {**ALL_OK, "village_b": 404, "viewer": 403}),
    ("people:duplicates", "person", "get", {**ALL_OK, "village_b": 404, "viewer": 403}),
    ("people:reveal_id", "person", "post", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    # Posted empty: the form comes back (200) with the reasons.
    ("people:membership_add", "person", "post", {"county": 200, "chair": 200, "village_a": 200, "village_b": 404, "viewer": 403}),
    ("people:household_create", "person", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
    ("people:membership_end", "membership", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
    ("people:membership_edit", "membership", "get", {"county": 200, "chair": 200, "village_a": 200, "village_b": 404, "viewer": 403}),
    ("people:household_leave", "person", "post", {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}),
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
# (url name, args key, method, data, {persona: status})
API_MATRIX = [
    ("api:person-list", None, "get", None, ALL_OK),
    # village B's director may register people, but not in village A: the unit is refused (400).
    ("api:person-list", None, "post", lambda t: {"name": "张三妹", "unit": t["village_a"]},
     {"county": 201, "chair": 201, "village_a": 201, "village_b": 400, "viewer": 403}),
    ("api:person-detail", "person", "get", None, {**ALL_OK, "village_b": 404}),
    ("api:person-detail", "minor", "get", None, {**ALL_OK, "village_b": 404, "viewer": 403}),
    ("api:person-detail", "person", "patch", lambda t: {"note": "已核实"}, WRITERS_OK),
    ("api:person-reveal-id-number", "person", "post", None, REVEALERS_OK),
]


@pytest.fixture
def targets(tree, personas):
    person = make_person(tree.village_a, "王秀英")
    relative = make_person(tree.village_a, "李小妹")
    minor = make_person(tree.village_a, "王小春", birth=datetime.date.today() - datetime.timedelta(days=365 * 10))
    membership = GroupMembership.objects.create(person=person, group=SpecialGroup.objects.get(name="留守妇女"))
    return {"village_a": tree.village_a.pk, "person": person.pk, "membership": membership.pk,
            "relative": relative.pk, "minor": minor.pk}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(
    MATRIX, data=DATA)
test_api_permission_matrix, test_api_anonymous_is_refused_with_json, test_api_put_is_405 = matrix.api_tests(
    API_MATRIX, refused=matrix.refused_as_json)
