"""A township chair imports her 信访登记簿 (two yearly sheets, a merged two-row header) through the real
pages: upload → check the column mapping → dry run → import, reading what the pages tell her."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from banbiantian.core.testing.browser import log_in, shot, submit
from banbiantian.rights.models import Case, Status
from banbiantian.transfer.models import ImportJob

from . import messy_ledger as ml

pytestmark = pytest.mark.browser


def test_chair_uploads_maps_dry_runs_and_imports_her_register_book(live_server, new_page, personas, tree):
    page = new_page()
    log_in(page, live_server, personas.chair, reverse("transfer:upload", args=["rights"]))
    page.locator("#id_file").set_input_files(files=[{
        "name": "东塘镇信访登记簿.xlsx", "buffer": ml.book_xlsx(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    submit(page, "上传并读取")
    expect(page.get_by_text("表头在第3—4行（两行表头已合并），读取2个工作表（2025、2026）")).to_be_visible()
    expect(page.get_by_text("表头在第 3—4 行（两行表头） · 读取 2 个工作表")).to_be_visible()
    job = ImportJob.objects.get()
    # The mapping offers every header word; the sub-columns under 来访人情况 are mapped, 性别 is not.
    headers = job.headers
    expect(page.locator(f"#col_{headers.index('姓名')}")).to_have_value("name")
    expect(page.locator(f"#col_{headers.index('风险等级')}")).to_have_value("risk_level")
    expect(page.locator(f"#col_{headers.index('性别')}")).to_have_value("")
    expect(page.locator("[data-unmapped]")).to_have_text("以下列未对应到任何字段，不会导入：序号、性别、备注")
    submit(page, "保存列对应")
    expect(page.get_by_text("列对应已保存")).to_be_visible()
    submit(page, "试导入（只检查）")
    expect(page.get_by_text("试导入结果（未写入数据）")).to_be_visible()
    expect(page.locator("[data-summary]").nth(0)).to_have_text("各工作表数据行：“2025”15行，“2026”15行。")
    expect(page.locator("[data-summary]").nth(1)).to_have_text("以下列未导入：序号、性别、备注。")
    assert Case.objects.count() == 0
    shot(page, "transfer_rights_dry_run")
    submit(page, "正式导入")
    expect(page.get_by_text("导入结果", exact=True)).to_be_visible()
    expect(page.locator("[data-summary]").nth(1)).to_have_text("以下列未导入：序号、性别、备注。")
    assert Case.objects.count() == 30
    assert Case.objects.filter(status=Status.REJECTED).count() == 6 and Case.objects.filter(is_repeat=True).count() == 11
