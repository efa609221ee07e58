"""One permission-matrix harness: every URL × every persona → page, 403 (role) or 404 (not hers).

Each app's tests/test_permission_matrix.py declares only what is its own: MATRIX (rows of url name,
args key, method, {persona: status}), the form DATA sent with a row, and a `targets` fixture that
turns args keys into URL arguments. It hands them to `page_tests` and binds the tests it returns:

    test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = (
        matrix.page_tests(MATRIX, data=DATA))

`uncovered()` lists the named URLs that no app's MATRIX has a row for (core's tests check it is
empty, so a new view fails until it has a row). Plain functions: importing this module has no
pytest side effects (pytest is imported when tests are built).
"""

import importlib
import importlib.util
from collections import namedtuple

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from banbiantian.core import areas
from banbiantian.core.testing.personas import PERSONAS

# Served by tests of their own: the sign-in flow (pages and the API's token).
NOT_IN_MATRIX = {"login", "logout", "api:token"}
API = "api"

Row = namedtuple("Row", "name key method expected query data", defaults=("", None))
COLUMNS = ("name", "key", "method", "expected")


# --- the URL map and the rows of every app ------------------------------------------------------

def url_names(patterns=None, namespace=""):
    """Every named URL in the resolver, namespaced ("care:home", "login", "api:person-list")."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def matrix_modules():
    """app label -> its tests.test_permission_matrix module, for core and every declared area."""
    found = {}
    for config in [apps.get_app_config("core"), *areas.declared()]:
        name = f"{config.name}.tests.test_permission_matrix"
        if _exists(name):
            found[config.label] = importlib.import_module(name)
    return found


def _exists(module_name):
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:  # no tests package
        return False


def collected_rows():
    """app label -> its page rows (MATRIX) and API rows (API_MATRIX). Rows count only where the module
    runs them: binds the tests `page_tests` / `api_tests` make, not just a list."""
    found = {}
    for label, module in matrix_modules().items():
        rows = list(module.MATRIX) if hasattr(module, "test_permission_matrix") else []
        if hasattr(module, "test_api_permission_matrix"):
            rows += [row for row in module.API_MATRIX]
        found[label] = rows
    return found


def _row_names():
    return {row[0] for rows in collected_rows().values() for row in rows}


def uncovered():
    """The named URLs, pages and API alike, without a row in any app's matrix (but sign-in)."""
    return url_names() - NOT_IN_MATRIX - _row_names()


def unknown():
    """Rows that name no URL."""
    return _row_names() - url_names()


def refused_as_json(response):
    """Anonymous API calls get a JSON refusal, never the login page's redirect."""
    assert response.status_code in (401, 403)
    assert "json" in response["Content-Type"]
    assert "Location" not in response


# --- the tests an app's matrix module binds ------------------------------------------------------

def rows(matrix, columns=COLUMNS):
    return [Row(**dict(zip(columns, row, strict=True))) for row in matrix]


def _ids(matrix_rows):
    """A row's name, with its args key (then method) where the name stands in more than one row."""
    def label(row, fields):
        return "-".join(str(getattr(row, f)) for f in fields)

    ids = []
    for row in matrix_rows:
        for fields in (("name",), ("name", "key"), ("name", "key", "method")):
            if sum(label(r, fields) == label(row, fields) for r in matrix_rows) == 1:
                break
        ids.append(label(row, fields))
    return ids


def _args(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def default_url(row, fixture):
    """reverse(name, args from targets[key]); a key's target is one argument or a list of them."""
    return reverse(row.name, args=_args(fixture("targets")[row.key]) if row.key else [])


class _Runner:
    def __init__(self, matrix, *, columns, personas, data, data_from, url):
        self.rows = rows(matrix, columns)
        self.ids = _ids(self.rows)
        self.personas = personas
        self.data = data or {}
        self.data_from = data_from
        self.url = url

    def body(self, row, fixture):
        data = row.data if row.data is not None else self.data.get(row.name, {})
        return data(fixture(self.data_from)) if callable(data) else data

    def cases(self):
        import pytest

        for row, row_id in zip(self.rows, self.ids, strict=True):
            for persona in self.personas:
                yield pytest.param(row, persona, row.expected[persona], id=f"{row_id}-{persona}")

    def each_row(self):
        import pytest

        return pytest.mark.parametrize("row", self.rows, ids=self.ids)


def page_tests(matrix, *, columns=COLUMNS, personas=PERSONAS, data=None, data_from="targets", url=default_url):
    """The matrix test, the 405 test and the anonymous-redirect test of one app's pages.

    matrix: rows in the order of `columns` (COLUMNS, or with a "query" for the url hook);
    personas: the attributes of the `personas` fixture that are the matrix's columns;
    data: url name -> form data, or a function of the `data_from` fixture (the targets) that makes it;
    url(row, fixture): the row's URL; `fixture(name)` is the test's value of that fixture.
    """
    import pytest

    run = _Runner(matrix, columns=columns, personas=personas, data=data, data_from=data_from, url=url)

    @pytest.mark.parametrize("row, persona, status", list(run.cases()))
    def test_permission_matrix(row, persona, status, db, request, login):
        fixture = request.getfixturevalue
        client = login(getattr(fixture("personas"), persona))
        response = getattr(client, row.method)(run.url(row, fixture), run.body(row, fixture))
        assert response.status_code == status

    @run.each_row()
    def test_wrong_method_is_405(row, db, request, login):
        fixture = request.getfixturevalue
        url = run.url(row, fixture)
        client = login(fixture("personas").county)
        assert client.put(url).status_code == 405
        if row.method == "post":
            assert client.get(url).status_code == 405

    @run.each_row()
    def test_anonymous_is_sent_to_login(row, db, request, client):
        response = getattr(client, row.method)(run.url(row, request.getfixturevalue))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    return test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login


def api_tests(matrix, *, refused, columns=("name", "key", "method", "data", "expected"), personas=PERSONAS):
    """The same for API endpoints: JSON bodies, `refused(response)` checks an anonymous call's answer,
    and PUT is 405 on every endpoint. A row's data is a function of the targets (or None)."""
    import pytest

    run = _Runner(matrix, columns=columns, personas=personas, data=None, data_from="targets", url=default_url)

    def send(client, row, fixture):
        url = run.url(row, fixture)
        if row.method == "get":
            return client.get(url)
        return getattr(client, row.method)(url, run.body(row, fixture), content_type="application/json")

    @pytest.mark.parametrize("row, persona, status", list(run.cases()))
    def test_api_permission_matrix(row, persona, status, db, request, login):
        fixture = request.getfixturevalue
        assert send(login(getattr(fixture("personas"), persona)), row, fixture).status_code == status

    @run.each_row()
    def test_api_anonymous_is_refused_with_json(row, db, request, client):
        refused(send(client, row, request.getfixturevalue))

    endpoints = sorted({(row.name, row.key) for row in run.rows}, key=str)

    @pytest.mark.parametrize("name, key", endpoints)
    def test_api_put_is_405(name, key, db, request, login):
        fixture = request.getfixturevalue
        url = default_url(Row(name, key, "put", {}), fixture)
        assert login(fixture("personas").county).put(url, {}, content_type="application/json").status_code == 405

    return test_api_permission_matrix, test_api_anonymous_is_refused_with_json, test_api_put_is_405
