"""Every URL of the transfer app × persona."""

import pytest
from django.urls import get_resolver

from banbiantian.core.testing import matrix

IMPORTERS = {"county": 200, "chair": 200, "village_a": 200, "village_b": 200, "viewer": 403}
OWN_JOB = {"county": 200, "chair": 200, "village_a": 200, "village_b": 404, "viewer": 403}
# Only the uploader (village_a) writes to her job: it runs under her name; the others may read it.
OWN_JOB_POST = {"county": 404, "chair": 404, "village_a": 302, "village_b": 404, "viewer": 403}

MATRIX = [
    ("transfer:home", None, "get", IMPORTERS),
    ("transfer:upload", "registry", "get", IMPORTERS),
    ("transfer:template", "registry", "get", IMPORTERS),
    ("transfer:job", "job", "get", OWN_JOB),
    ("transfer:mapping", "job", "post", OWN_JOB_POST),
    ("transfer:run", "job", "post", OWN_JOB_POST),
    ("transfer:progress", "job", "get", OWN_JOB),
    ("transfer:cancel", "job", "post", OWN_JOB_POST),
    ("transfer:errors", "job", "get", OWN_JOB),
]
DATA = {"transfer:run": {"dry_run": "1", "mode": "update"}}


@pytest.fixture
def targets(checked_job):
    return {"registry": "people", "job": checked_job.pk}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(
    MATRIX, data=DATA)


def test_transfer_home_is_the_jobs_list():
    assert get_resolver().resolve("/transfer/").url_name == "home"  # every area's home is <label>:home
