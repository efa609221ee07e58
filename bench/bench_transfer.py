"""Benchmark of Excel in and out: a 100,000-row people import (dry run and real) and a 300,000-row export.

    .venv/bin/python bench/bench_transfer.py                       # SQLite and PostgreSQL, full scale
    .venv/bin/python bench/bench_transfer.py --sqlite --people 30000 --rows 20000   # a quick run
    .venv/bin/python bench/bench_transfer.py --postgres

For each database a fresh database is built with `seed_demo --townships 30 --villages 12
--people N` (the export's rows), and a people ledger of R rows is written (new, valid ID
numbers; a title line, a 填报单位 line, the header on row 3; 1 row in 100 with a bad ID
number, 1 in 100 with a bad ethnicity). Each measured step then runs in its own process
so that its peak memory (ru_maxrss) is its own:

  dryrun   the engine over the file, writing nothing            (target < 60 s, < 500 MB)
  import   the same file, written in batches of 1,000          (target < 120 s, < 500 MB)
  export   GET /people/export/ as the county admin (all N rows), through django.test.Client
  export1  the same for one township (about N/30 rows): its memory should match the big export's
  care     a roster of --book-rows enrolments of one township's women: dry run, then import
  rights   a 信访登记簿 of --book-rows historic cases of the same women: dry run, then import

PostgreSQL: postgres://postgres@127.0.0.1:5432/bench_transfer (BENCH_PG_URL to change it).
"""

import argparse
import datetime
import json
import os
import resource
import time
from pathlib import Path

import common

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_transfer")
# care and rights have no target in the issue; the people import's is printed beside them for reference.
TARGETS = {"dryrun": 60, "import": 120, "export": 60, "care": 120, "rights": 120}
MEMORY_TARGET_MB = 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- steps, each in its own process ------------------------------------------------------

def step_build(args) -> dict:
    started = time.monotonic()
    common.seed(args.people)
    built = time.monotonic() - started
    started = time.monotonic()
    write_ledger(Path(args.file), args.rows)
    return {"build_s": built, "ledger_s": time.monotonic() - started, "ledger_mb": Path(args.file).stat().st_size / 2**20}


def write_ledger(path: Path, rows: int) -> None:
    import openpyxl
    from stdnum.cn import ric

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("登记表")
    sheet.append(["某村妇女基本情况登记表"])
    sheet.append(["填报单位：某村妇联", None, None, None, None, "填报日期：2026年11月"])
    sheet.append(["序号", "姓名", "身份证号码", "出生年月", "民族", "联系电话", "文化程度", "婚姻状况", "家庭住址",
                  "特殊群体类别"])
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高", "秀英丽芳春花桂兰美玲小红敏静燕霞娟梅"
    base = datetime.date(1950, 1, 1)
    for i in range(rows):
        birth = base + datetime.timedelta(days=(i * 7) % 25000)
        # Area 330199 is not used by seed_demo, so every row is a new person; the order digits keep them unique.
        body = f"330199{birth:%Y%m%d}{(i // 25000) % 100:02d}{(i % 5) * 2}"
        number = body + ric.calc_check_digit(body + "0")
        ethnicity = "汉" if i % 3 else "汉族"
        if i % 100 == 17:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # bad check digit
        if i % 100 == 53:
            ethnicity = "火星族"
        name = surnames[i % len(surnames)] + given[(i // 3) % len(given)] + given[(i // 7) % len(given)]
        sheet.append([i + 1, name, number, f"{birth:%Y.%m}", ethnicity, f"138{i % 100000000:08d}",
                      ["初中", "高中", "小学", "大专"][i % 4], "已婚", f"某村{i % 300}号",
                      "留守妇女、贫困母亲" if i % 10 == 0 else ""])
    sheet.append(["合计", None, None, None, None, None, None, None, None, None])
    sheet.append(["填表人：王秀英", None, None, "审核人：李主任"])
    book.save(path)


def _importer():
    from banbiantian.core.models import Level, OrgUnit, User

    user = User.objects.select_related("unit").get(username="county_admin")
    village = OrgUnit.objects.filter(level=Level.VILLAGE).order_by("path").first()
    return user, village


def step_engine(args, *, dry_run: bool) -> dict:
    from banbiantian.lib.xlsx.readers import Sheet
    from banbiantian.transfer import engine

    user, village = _importer()
    registry = engine.get_registry("people")
    started = time.monotonic()
    with open(args.file, "rb") as fh:
        sheet = Sheet(fh, "ledger.xlsx")
        layout = engine.find_header(sheet, registry)
        report = engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=user,
                            unit=village, dry_run=dry_run, mode="update")
        error_file = engine.error_workbook(layout, report)
        sheet.close()
    seconds = time.monotonic() - started
    return {"seconds": seconds, "peak_mb": peak_mb(), "rows": report.total, "failed": report.failed,
            "created": report.created, "updated": report.updated, "warned": report.warned,
            "batches": len(report.batches), "error_file_kb": len(error_file) // 1024}


def step_export(args, *, township: bool) -> dict:
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from banbiantian.core.models import Level, OrgUnit

    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    user, _village = _importer()
    client = common.logged_in(user)
    params = {}
    if township:
        params["unit"] = OrgUnit.objects.filter(level=Level.TOWNSHIP).order_by("path").first().pk
    started = time.monotonic()
    response = client.get(reverse("people:export"), params)
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.monotonic() - started
    assert response.status_code == 200, response.status_code
    from banbiantian.core.models import AuditEntry

    rows = AuditEntry.objects.filter(action="export").latest("id").changes["rows"]
    return {"seconds": seconds, "peak_mb": peak_mb(), "rows": rows, "file_mb": size / 2**20}


def _book(path: str, header: list[str], rows) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(["某乡镇台账"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计"])
    book.save(path)


def step_registry(args, *, name: str) -> dict:
    """A care roster or a 信访登记簿 of --book-rows rows of one township's registered women (written
    untimed), then its dry run and its import through the engine, each timed. These registries write row
    by row through their area's services (the same checks and audit as the pages)."""
    from banbiantian.care import services as care_services
    from banbiantian.core.models import Level, OrgUnit, User
    from banbiantian.lib.xlsx.readers import Sheet
    from banbiantian.people.models import Person
    from banbiantian.transfer import engine

    township = OrgUnit.objects.filter(level=Level.TOWNSHIP).order_by("path").first()
    user = User.objects.select_related("unit").get(username="county_admin")
    people = list(Person.objects.filter(unit__path__startswith=township.path, id_number__isnull=False, sex="F")
                  .order_by("id").values_list("name", "id_number")[:args.book_rows])
    path = f"{args.file}.{name}.xlsx"
    if name == "care":
        programme = care_services.programme_create(by=user, unit=township, name="基准测试帮扶项目",
                                                   kind="other", year=2026)
        _book(path, ["姓名", "身份证号", "帮扶项目", "年度", "状态", "申请日期", "处理意见"], (
            [n, i, programme.name, 2026, ["申请", "审核", "通过", "结束"][k % 4], "2026-01-05", "到期退出" if k % 4 == 3 else ""]
            for k, (n, i) in enumerate(people)))
    else:
        _book(path, ["日期", "来访人", "身份证号", "住址", "联系电话", "反映问题", "类别", "处理情况", "办结时间", "回访情况"], (
            [f"2023-{1 + k % 12:02d}-{1 + k % 28:02d}", n, i, "某村", "", f"反映问题{k}", ["婚姻", "土地", "其他"][k % 3],
             "已调解" if k % 2 else "", f"2023-{1 + k % 12:02d}-28" if k % 2 else "", "已回访" if k % 4 == 1 else ""]
            for k, (n, i) in enumerate(people)))
    registry = engine.get_registry(name)
    result = {"rows": len(people)}
    for dry_run in (True, False):
        started = time.monotonic()
        with open(path, "rb") as fh:
            sheet = Sheet(fh, "book.xlsx")
            layout = engine.find_header(sheet, registry)
            report = engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=user,
                                unit=township, dry_run=dry_run, mode=registry.modes[0][0])
        key = "dryrun" if dry_run else "import"
        result[f"{key}_s"] = round(time.monotonic() - started, 1)
        result[f"{key}_created"], result[f"{key}_failed"] = report.created, report.failed
    result["seconds"] = result["import_s"]
    result["peak_mb"] = peak_mb()
    return result


STEPS = {
    "build": step_build,
    "care": lambda a: step_registry(a, name="care"),
    "rights": lambda a: step_registry(a, name="rights"),
    "dryrun": lambda a: step_engine(a, dry_run=True),
    "import": lambda a: step_engine(a, dry_run=False),
    "export": lambda a: step_export(a, township=False),
    "export1": lambda a: step_export(a, township=True),
}


# --- the parent -------------------------------------------------------------------------

def run_step(step: str, url: str, args, file: str) -> dict:
    result = common.run_child(__file__, ["--step", step, "--file", file, "--people", args.people, "--rows", args.rows,
                                         "--book-rows", args.book_rows],
                              url, env={"BANBIANTIAN_MEDIA_ROOT": str(Path(file).parent / "media")})
    if result is None:
        raise SystemExit(f"step {step} failed")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--people", type=int, default=300_000, help="people in the seeded county (the export)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the imported ledger")
    parser.add_argument("--steps", default="dryrun,import,export,export1",
                        help="which steps to time (also care, rights: --book-rows of one township)")
    parser.add_argument("--book-rows", type=int, default=5_000, help="rows of the care roster and the 信访登记簿")
    parser.add_argument("--workdir", help="SQLite only: keep the database and ledger here and reuse them next time")
    parser.add_argument("--step", choices=sorted(STEPS))
    parser.add_argument("--out")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.step:
        common.setup_django()
        Path(args.out).write_text(json.dumps(STEPS[args.step](args)))
        return
    print(f"Machine: {common.machine()}")
    print(f"Data: seed_demo --townships 30 --villages 12 --people {args.people}; ledger of {args.rows} rows")
    for db, url, tmp in common.each_database(common.chosen(args), prefix="bench_transfer_", pg_url=PG_URL,
                                             sqlite_dir=args.workdir):
        file = f"{tmp}/ledger.xlsx"
        if db == "sqlite" and args.workdir and Path(file).exists():
            print(f"[{db}] reusing {tmp}")
        else:
            build = run_step("build", url, args, file)
            print(f"[{db}] built in {build['build_s']:.0f} s; ledger of {args.rows} rows written in "
                  f"{build['ledger_s']:.0f} s ({build['ledger_mb']:.1f} MB)")
        for step in args.steps.split(","):
            r = run_step(step, url, args, file)
            target = TARGETS.get(step, TARGETS["export"])
            ok = "OK" if r["seconds"] < target and r["peak_mb"] < MEMORY_TARGET_MB else "MISSED"
            detail = {k: v for k, v in r.items() if k not in ("seconds", "peak_mb")}
            print(f"[{db}] {step:8s} {r['seconds']:7.1f} s  peak {r['peak_mb']:6.0f} MB  {detail}  "
                  f"(target < {target} s, < {MEMORY_TARGET_MB} MB: {ok})")


if __name__ == "__main__":
    main()
