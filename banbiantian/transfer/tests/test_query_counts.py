"""Pinned query counts on the import log, which must not grow with the jobs listed."""

import pytest
from django.urls import reverse

from banbiantian.transfer.models import ImportJob

BASE = 3  # session, user, user's unit


@pytest.mark.parametrize("jobs", [1, 9])
def test_import_log(jobs, tree, personas, login, django_assert_num_queries):
    for i in range(jobs):
        for unit, user in ((tree.village_a, personas.village_a), (tree.village_b, personas.village_b)):
            ImportJob.objects.create(registry="people", unit=unit, created_by=user, file_name=f"台账{i}.xlsx",
                                     file=f"imports/{i}.xlsx")
    client = login(personas.chair)
    # count of jobs in scope; the page of jobs with their unit and uploader
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("transfer:home"))
    assert response.content.decode().count("台账0.xlsx") == 2


@pytest.mark.parametrize("jobs", [1, 9])
def test_import_log_of_every_registry_filtered(jobs, tree, personas, login, django_assert_num_queries):
    for i in range(jobs):
        for registry in ("people", "care", "rights"):
            ImportJob.objects.create(registry=registry, unit=tree.village_a, created_by=personas.village_a,
                                     file_name=f"{registry}{i}.xlsx", file=f"imports/{registry}{i}.xlsx")
    client = login(personas.chair)
    # count of jobs in scope with the filter; the page of jobs with their unit and uploader
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("transfer:home"), {"registry": "rights", "status": "uploaded"})
    body = response.content.decode()
    assert body.count("rights0.xlsx") == 1 and "care0.xlsx" not in body
