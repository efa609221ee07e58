"""A large download in a real browser: queued for the task worker, its page, then the file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from banbiantian.conftest import make_person
from banbiantian.core.models import ExportJob
from banbiantian.core.testing.browser import log_in, shot

pytestmark = pytest.mark.browser


def test_a_large_people_export_goes_to_the_worker_and_is_downloaded(live_server, new_page, personas, tree,
                                                                    settings, media):
    settings.EXPORT_BACKGROUND_ROWS = 3
    for i in range(5):
        make_person(tree.village_a, f"王{i}")
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("people:home"))
    with page.expect_navigation():
        page.get_by_role("link", name="导出", exact=True).click()
    job = ExportJob.objects.get()
    expect(page).to_have_url(live_server.url + reverse("exports:job", args=[job.pk]))
    expect(page.locator("h1")).to_contain_text("人员信息")
    # The tests' task backend runs the job at once: the page already offers the file.
    link = page.get_by_role("link", name="下载文件（5 行）")
    expect(link).to_be_visible()
    shot(page, "exports-01-done")
    with page.expect_download() as download:
        link.click()
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == [f"王{i}" for i in range(5)]
