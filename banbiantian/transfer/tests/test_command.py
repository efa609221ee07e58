import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from banbiantian.people.models import Person

from .helpers import ledger_xlsx


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "东塘村台账.xlsx"
    path.write_bytes(ledger_xlsx())
    return path


def _call(*args):
    out = io.StringIO()
    call_command("import_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_dry_run_prints_counts_and_writes_the_error_file(ledger, tmp_path, tree, personas):
    errors = tmp_path / "errors.xlsx"
    out = _call("people", str(ledger), "--unit", tree.village_a.code, "--dry-run", "--errors", str(errors))
    assert "试导入完成：共8行，无误2行，有提示2行，失败4行；新增4，更新0，跳过0。" in out
    assert "第8行 身份证号码：[错误]" in out
    assert Person.objects.count() == 0
    rows = list(openpyxl.load_workbook(errors).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [8, 9, 10, 11] and all(r[1] for r in rows[1:])


def test_import_then_skip(ledger, tree, personas):
    out = _call("people", str(ledger), "--unit", tree.village_a.code)
    assert "新增4" in out and Person.objects.filter(unit=tree.village_a).count() == 4
    out = _call("people", str(ledger), "--unit", tree.village_a.code, "--skip", "--user", "chair")
    assert "新增0，更新0，跳过4" in out and Person.objects.count() == 4


def test_unknown_unit_user_or_file(ledger, tree, personas):
    with pytest.raises(CommandError, match="没有代码为"):
        _call("people", str(ledger), "--unit", "999999999999")
    with pytest.raises(CommandError, match="没有导入数据的权限"):
        _call("people", str(ledger), "--unit", tree.village_a.code, "--user", "viewer")
    with pytest.raises(CommandError, match="找不到文件"):
        _call("people", "/nonexistent.xlsx", "--unit", tree.village_a.code)
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        _call("people", str(ledger), "--unit", tree.village_a.code, "--user", "village_b")
