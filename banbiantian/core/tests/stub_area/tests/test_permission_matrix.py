"""The stub area's rows of the permission matrix. Read by the coverage check while test_area_stub.py
installs the stub; never collected (core/tests/conftest.py), since the stub is not installed then."""

import pytest

from banbiantian.core.testing import matrix

MATRIX = [
    ("stubarea:home", None, "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
]


@pytest.fixture
def targets():
    return {}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(MATRIX)
