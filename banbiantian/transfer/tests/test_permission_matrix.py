"""Every URL of the transfer app × persona (the core matrix exempts this namespace)."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from banbiantian.transfer import urls as transfer_urls

PERSONAS = ["county", "chair", "village_a", "village_b", "viewer"]
IMPORTERS = {"county": 200, "chair": 200, "village_a": 200, "village_b": 200, "viewer": 403}
OWN_JOB = {"county": 200, "chair": 200, "village_a": 200, "village_b": 404, "viewer": 403}
# Only the uploader (village_a) writes to her job: it runs under her name; the others may read it.
OWN_JOB_POST = {"county": 404, "chair": 404, "village_a": 302, "village_b": 404, "viewer": 403}

MATRIX = [
    ("transfer:jobs", None, "get", IMPORTERS),
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


def _cases():
    for name, key, method, expected in MATRIX:
        for persona in PERSONAS:
            yield pytest.param(name, key, method, persona, expected[persona], id=f"{name}-{persona}")


@pytest.mark.parametrize("name, key, method, persona, status", list(_cases()))
def test_permission_matrix(name, key, method, persona, status, targets, personas, login):
    url = reverse(name, args=[targets[key]] if key else [])
    response = getattr(login(getattr(personas, persona)), method)(url, DATA.get(name, {}))
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


def test_matrix_covers_every_url():
    names = {f"transfer:{p.name}" for p in transfer_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == {row[0] for row in MATRIX}
    assert get_resolver().resolve("/transfer/").url_name == "jobs"
