"""Benchmark of the statistical forms (统计报表) on a county-sized database.

    .venv/bin/python bench/bench_statforms.py                        # SQLite and PostgreSQL, 300,000 people
    .venv/bin/python bench/bench_statforms.py --sqlite --people 30000  # a quick run

For each database a child process migrates a fresh database and runs `seed_demo --townships 30
--villages 12 --people N`, which seeds every area with a demo module and then the statforms demo
(the built-in forms' reports of the last three quarters and last year, in every state). Areas
whose demo adds no records get their own benchmarks' volumes (common.area_records), as
bench_planning does. It measures, as medians of repeated runs, the
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
figures (common.hand_sql, one SQL per metric, grouped by the unit's path prefix), checked equal,
and the ratio is printed. The machine's load average is printed beside the figures.
PostgreSQL: postgres://postgres@127.0.0.1:5432/bench_statforms (BENCH_PG_URL to change it).
"""

import datetime
import os
import time

import common

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_statforms")
TARGET_MS = 1000
REPEAT = 9
FORM_CODE = "妇统季1表"


def _median_ms(fn, repeat=REPEAT) -> float:
    return common.median_ms(fn, repeat)


def _hand_figures(keys, units, period):
    """One hand-written statement for the metric-backed figures (common.hand_sql, per metric)."""
    return common.hand_figures(keys, units, period.start, period.end, period.year)


def child(args) -> dict:
    common.setup_django()
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import setup_test_environment

    from banbiantian.care.models import Benefit
    from banbiantian.core.models import Level, OrgUnit, User
    from banbiantian.rights.models import Case
    from banbiantian.statforms import selectors
    from banbiantian.statforms.models import FormDefinition, Report, Value

    setup_test_environment()
    today = datetime.date.today()
    out = {"db": connection.vendor, "load_start": common.load()}
    started = time.monotonic()
    common.seed(args.people)
    out["seed_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    common.area_records(args.people, today)
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
    as_admin, as_chair = common.logged_in(admin), common.logged_in(chair)
    page = common.page
    query = f"?form={form.pk}&unit={county.pk}&period={period.key}"
    out["summary_page_ms"] = _median_ms(page(as_admin, f"/forms/summary/{query}"))
    out["xlsx_ms"] = _median_ms(page(as_admin, f"/forms/summary/xlsx/{query}"), repeat=5)
    if report is not None:
        out["report_page_ms"] = _median_ms(page(as_chair, f"/forms/reports/{report.pk}/"))
    out["status_page_ms"] = _median_ms(page(as_admin, "/forms/status/"))
    out["load_end"] = common.load()
    return out


def show(db, r, args):
    print(common.built_line(db, r, args.people) +
          f"{r['reports']} reports with {r['values']} values; form {FORM_CODE} {r['period']}: "
          f"{r['cells']} cells, {r['metric_cells']} metric-backed; "
          f"{r['county_typed_reports']} township reports summed for the county", flush=True)
    for name, label, units in (("county", "county", 1), ("all", "county + townships", 1 + r["townships"])):
        ms, live, sql = r[f"{name}_ms"], r[f"{name}_live_ms"], r[f"{name}_sql_ms"]
        ok = "OK" if live < TARGET_MS else "MISSED"
        print(f"[{db}] {label:22s} prefill (metrics) {live:9.1f} ms (target < {TARGET_MS} ms: {ok}); one "
              f"hand SQL query for the same {r['metric_cells'] * units} metric figures {sql:8.1f} ms; "
              f"ratio {common.ratio(live, sql)}; summary of the reports sent {ms:9.1f} ms")
    print(f"[{db}] {'township sheet':22s} {r['sheet_ms']:9.1f} ms; two hand SQL statements for its "
          f"{2 * r['metric_cells']} metric figures {r['sheet_sql_ms']:8.1f} ms; "
          f"ratio {common.ratio(r['sheet_ms'], r['sheet_sql_ms'])}")
    for key, label in (("summary_page_ms", "summary page (county)"),
                       ("xlsx_ms", "summary .xlsx (county)"), ("report_page_ms", "township report page"),
                       ("status_page_ms", "status page (county)")):
        if key in r:
            print(f"[{db}] {label:22s} {r[key]:9.1f} ms")


if __name__ == "__main__":
    common.main(child, __file__, "bench_statforms", PG_URL, show)
