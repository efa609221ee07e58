"""Every URL × every persona: who gets the page, who gets 403 (role), who gets 404 (not hers).

The rows of the pages of core and people; every area app keeps a matrix of its own, and
`test_matrix_covers_every_url` (below) fails for any named URL without a row in one of them.
"""

import pytest

from banbiantian.conftest import make_person
from banbiantian.core.testing import matrix
from banbiantian.people.models import GroupMembership, SpecialGroup

ALL_OK = dict.fromkeys(matrix.PERSONAS, 200)

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


@pytest.fixture
def targets(tree, personas):
    person = make_person(tree.village_a, "王秀英")
    relative = make_person(tree.village_a, "李小妹")
    membership = GroupMembership.objects.create(person=person, group=SpecialGroup.objects.get(name="留守妇女"))
    return {"village_a": tree.village_a.pk, "township": tree.township.pk, "user_a": personas.village_a.pk,
            "person": person.pk, "membership": membership.pk, "relative": relative.pk}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(
    MATRIX, data=DATA)


def test_matrix_covers_every_url():
    """Every named URL has a row in the matrix of some app (but sign-in and the API, tested apart)."""
    assert matrix.uncovered() == set()
    assert matrix.unknown() == set()
