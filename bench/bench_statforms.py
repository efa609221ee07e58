"""Benchmark of the statistical forms (统计报表) on a county-sized database.

    .venv/bin/python bench/bench_statforms.py                        # SQLite and PostgreSQL, 300,000 people
    .venv/bin/python bench/bench_statforms.py --sqlite --people 30000  # a quick run

For each database a child process migrates a fresh database and runs `seed_demo --townships 30
--villages 12 --people N`, which seeds every area with a demo module and then the statforms demo
(the built-in forms' reports of the last three quarters and last year, in every state). Areas
whose demo adds no records get their own benchmarks' volumes (bench_care.build_care,
bench_rights.build_cases), as bench_planning does. It measures, as medians of repeated runs, the
quarterly 女性人力资源 form (妇统季1表) for the last closed quarter:

  county prefill     the county's metric-backed figures of the form counted today
                     (selectors.live_values for the county alone)             target < 1 s
  county summary     the county's figures as reported: each township's own submitted report,
                     else its villages' (selectors.summarise), checked to be the sum of the rows
  county + townships the same for the county and each of its 30 townships (the summary page's
                     table)
  township sheet     one township's report page data: prefill for this period, last period and
                     the same period last year, the rules checked (selectors.sheet); compared
                     with one hand-written statement per period counted
  pages              the summary page, its .xlsx and a township's report page through
                     django.test.Client

The metric-backed figures are compared with ONE hand-written SQL query computing the same
figures (bench_planning's per-metric SQL, grouped by the unit's path prefix), checked equal,
and the ratio is printed. The machine's load average is printed beside the figures.
PostgreSQL: postgres://postgres@127.0.0.1:5432/bench_statforms (BENCH_PG_URL to change it).
"""

import datetime
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_statforms")
TARGET_MS = 1000
REPEAT = 9
FORM_CODE = "妇统季1表"


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _median_ms(fn, repeat=REPEAT) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def _hand_figures(keys, units, period):
    """One hand-written statement for the metric-backed figures (bench_planning's SQL per metric;
    the special groups it does not list are written the same way)."""
    import bench_planning as bp
    from django.db import connection
    from django.utils import timezone

    for key in keys:
        if key.startswith("people.group.") and key not in bp.FIGURES:
            code = key.rsplit(".", 1)[1]
            bp.FIGURES[key] = (bp.MEMBER, f"g.code = '{code}' AND {bp.ACTIVE_MEMBER}", "COUNT(DISTINCT m.person_id)")
    end_dt = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time()))
    params = {"start": period.start, "end": period.end, "year": period.year,
              "adult": period.end.replace(year=period.end.year - 18),
              "start_dt": timezone.make_aware(datetime.datetime.combine(period.start, datetime.time())),
              "end_dt": end_dt}
    sql, more = bp.hand_sql(keys, units)
    params.update(more)
    with connection.cursor() as cursor:
        cursor.execute(re.sub(r":(\w+)", r"%(\1)s", sql), params)
        rows = cursor.fetchall()
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}


def child(args) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banbiantian.settings")
    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from banbiantian.care.models import Benefit
    from banbiantian.core.models import Level, OrgUnit, User
    from banbiantian.rights.models import Case
    from banbiantian.statforms import selectors
    from banbiantian.statforms.models import FormDefinition, Report, Value

    setup_test_environment()
    today = datetime.date.today()
    out = {"db": connection.vendor, "load_start": _load()}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", townships="30", villages="12", people=str(args.people), verbosity=0)
    out["seed_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    if not Benefit.objects.exists():
        import bench_care

        bench_care.build_care(args.people, 1.0, today.year)
    if not Case.objects.exists():
        import bench_rights

        bench_rights.build_cases(int(50_000 * args.people / 300_000), random.Random(6), today)
    out["areas_s"] = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        # Planner statistics, as a production server has them a minute after the load (autovacuum on
        # PostgreSQL; `PRAGMA optimize` on SQLite). Without them SQLite walks the birth-date index
        # for a township's registered women instead of the township's units.
        cursor.execute("ANALYZE")
    out["cases"], out["benefits"] = Case.objects.count(), Benefit.objects.count()
    out["reports"], out["values"] = Report.objects.count(), Value.objects.count()

    form = FormDefinition.objects.get(code=FORM_CODE)
    cells = list(form.cells.all())
    period = selectors.last_closed(form.period_kind, today)
    county = OrgUnit.objects.get(level=Level.COUNTY)
    townships = list(OrgUnit.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code"))
    township = townships[0]
    report = Report.objects.filter(form=form, unit=township, period_key=period.key).first()
    keys = [c.metric_key for c in cells if c.metric is not None]
    out["period"], out["cells"], out["metric_cells"] = period.key, len(cells), len(keys)
    out["townships"] = len(townships)

    # The figures agree with the hand-written query before anything is timed.
    hand = _hand_figures(keys, [county, *townships], period)
    live = selectors.live_values(cells, [county, *townships], period)
    got = selectors.summarise(form, [county, *townships], period, cells)
    for cell in cells:
        if cell.metric is None:
            continue
        for unit in [county, *townships]:
            a, b = live[unit.pk][cell.code], hand[unit.pk][cell.metric_key]
            if Decimal(a or 0) != Decimal(b or 0):
                raise SystemExit(f"figure differs: {cell.metric_key} for {unit.name}: form {a}, hand SQL {b}")
    out["county_typed_reports"] = got[county.pk].reported
    # The summary is what each township sent (its own report, else its villages'); the total is the
    # sum of the rows.
    for cell in cells:
        if cell.value_type != "share":
            rows = sum(Decimal(got[u.pk].entries[cell.code].number or 0) for u in townships)
            if Decimal(got[county.pk].entries[cell.code].number or 0) != rows:
                raise SystemExit(f"county total of {cell.code} is not the sum of its townships' rows")
    out["county_live_ms"] = _median_ms(lambda: selectors.live_values(cells, [county], period))
    out["all_live_ms"] = _median_ms(lambda: selectors.live_values(cells, [county, *townships], period))

    out["county_ms"] = _median_ms(lambda: selectors.summarise(form, [county], period, cells))
    out["county_sql_ms"] = _median_ms(lambda: _hand_figures(keys, [county], period))
    out["all_ms"] = _median_ms(lambda: selectors.summarise(form, [county, *townships], period, cells))
    out["all_sql_ms"] = _median_ms(lambda: _hand_figures(keys, [county, *townships], period))
    out["sheet_ms"] = _median_ms(lambda: selectors.sheet(form=form, unit=township, period=period, report=report))
    # The sheet counts this period and the same period last year (last period comes from the
    # township's submitted report): the hand-written equivalent is one statement per period.
    out["sheet_sql_ms"] = _median_ms(lambda: [_hand_figures(keys, [township], p)
                                              for p in (period, period.same_last_year())])

    admin = User.objects.get(username="county_admin")
    chair = User.objects.get(unit=township, role="township_chair")
    as_admin, as_chair = Client(), Client()
    as_admin.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    as_chair.force_login(chair, backend="django.contrib.auth.backends.ModelBackend")

    def page(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, url
        return get

    query = f"?form={form.pk}&unit={county.pk}&period={period.key}"
    out["summary_page_ms"] = _median_ms(page(as_admin, f"/forms/summary/{query}"))
    out["xlsx_ms"] = _median_ms(page(as_admin, f"/forms/summary/xlsx/{query}"), repeat=5)
    if report is not None:
        out["report_page_ms"] = _median_ms(page(as_chair, f"/forms/reports/{report.pk}/"))
    out["status_page_ms"] = _median_ms(page(as_admin, "/forms/status/"))
    out["load_end"] = _load()
    return out


def main():
    import bench_planning

    args = bench_planning.parse_args()
    if args.child:
        Path(args.out).write_text(json.dumps(child(args)))
        return
    for db, r in bench_planning.each_database(args, __file__, "bench_statforms", PG_URL):
        print(f"[{db}] load {r['load_start']} → {r['load_end']}; seed_demo {args.people} people in {r['seed_s']} s, "
              f"area records in {r['areas_s']} s ({r['cases']} cases, {r['benefits']} benefits); "
              f"{r['reports']} reports with {r['values']} values; form {FORM_CODE} {r['period']}: "
              f"{r['cells']} cells, {r['metric_cells']} metric-backed; "
              f"{r['county_typed_reports']} township reports summed for the county", flush=True)
        for name, label, units in (("county", "county", 1), ("all", "county + townships", 1 + r["townships"])):
            ms, live, sql = r[f"{name}_ms"], r[f"{name}_live_ms"], r[f"{name}_sql_ms"]
            ok = "OK" if live < TARGET_MS else "MISSED"
            print(f"[{db}] {label:22s} prefill (metrics) {live:9.1f} ms (target < {TARGET_MS} ms: {ok}); one "
                  f"hand SQL query for the same {r['metric_cells'] * units} metric figures {sql:8.1f} ms; "
                  f"ratio {live / sql:5.2f}; summary of the reports sent {ms:9.1f} ms")
        print(f"[{db}] {'township sheet':22s} {r['sheet_ms']:9.1f} ms; two hand SQL statements for its "
              f"{2 * r['metric_cells']} metric figures {r['sheet_sql_ms']:8.1f} ms; "
              f"ratio {r['sheet_ms'] / r['sheet_sql_ms']:5.2f}")
        for key, label in (("summary_page_ms", "summary page (county)"),
                           ("xlsx_ms", "summary .xlsx (county)"), ("report_page_ms", "township report page"),
                           ("status_page_ms", "status page (county)")):
            if key in r:
                print(f"[{db}] {label:22s} {r[key]:9.1f} ms")


if __name__ == "__main__":
    main()
