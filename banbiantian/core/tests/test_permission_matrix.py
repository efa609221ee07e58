"""Every URL × every persona: who gets the page, who gets 403 (role), who gets 404 (not hers).

The rows of core's own pages and API endpoints; every area keeps its rows in its own
tests/test_permission_matrix.py, and `test_matrix_covers_every_url` (below) fails for any named
URL, page or API, without a row in one of them.
"""

import pytest

from banbiantian.conftest import make_person
from banbiantian.core.testing import matrix

ALL_OK = dict.fromkeys(matrix.PERSONAS, 200)

# (url name, args key, method, {persona: status}); args keys are resolved by the `targets` fixture.
MATRIX = [
    ("dashboard", None, "get", ALL_OK),
    ("org:tree", None, "get", ALL_OK),
    ("org:unit", "village_a", "get", {**ALL_OK, "village_b": 404}),
    ("org:create", "township", "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("org:close", "village_a", "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("org:live_from", "village_a", "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403,
                                           "viewer": 403}),
    ("users:list", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:create", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:export", None, "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:edit", "user_a", "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:password", "user_a", "get", {"county": 200, "chair": 200, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("users:my_password", None, "get", ALL_OK),
    ("users:set_active", "user_a", "post", {"county": 302, "chair": 302, "village_a": 403, "village_b": 403, "viewer": 403}),
    ("audit:list", None, "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
]
# (url name, args key, method, data, {persona: status})
API_MATRIX = [
    ("api:schema", None, "get", None, ALL_OK),
    ("api:unit-list", None, "get", None, ALL_OK),
    ("api:unit-detail", "village_a", "get", None, {**ALL_OK, "village_b": 404}),
]


@pytest.fixture
def targets(tree, personas):
    return {"village_a": tree.village_a.pk, "township": tree.township.pk, "user_a": personas.village_a.pk,
            "person": make_person(tree.village_a, "王秀英").pk}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(MATRIX)
test_api_permission_matrix, test_api_anonymous_is_refused_with_json, test_api_put_is_405 = matrix.api_tests(
    API_MATRIX, refused=matrix.refused_as_json)


def test_matrix_covers_every_url():
    """Every named URL, page or API, has a row in the matrix of core or of a declared area (but sign-in)."""
    assert matrix.uncovered() == set()
    assert matrix.unknown() == set()
