"""Benchmark of plans, targets and the year-end summary (计划 / 总结) on a county-sized database.

    .venv/bin/python bench/bench_planning.py                        # SQLite and PostgreSQL, 300,000 people
    .venv/bin/python bench/bench_planning.py --sqlite --people 30000  # a quick run

For each database a child process migrates a fresh database and runs `seed_demo --townships 30
--villages 12 --people N`, which seeds every area that has a demo module and then the planning
demo (the county's plan for this year, split to the 30 townships). Areas whose demo does not
yet add records get the volumes of their own benchmarks (common.area_records: bench_care.build_care's
80,000 screening results, 200,000 benefits, 20,000 pairings…; rights.demo.build_cases' 50,000 cases).
It then measures, as medians of repeated runs:

  township plan   all targets of one township's plan, computed (selectors.progress_for), and
                  the plan page through django.test.Client            target < 300 ms
  county plan     every township × every split target plus the county's own row
                  (selectors.county_table), and that page               target < 1 s
  docx            the year-end .docx for the county (summary.summary_docx), and the download
                                                                       target < 3 s

Each is compared with ONE hand-written SQL query computing the same figures (common.hand_sql:
grouped by the unit's path prefix, like the registry does), and the figures are checked to be equal. The
machine's load average is printed beside the figures. PostgreSQL:
postgres://postgres@127.0.0.1:5432/bench_planning (BENCH_PG_URL to change it).
"""

import datetime
import json
import os
import sys
import time

import common

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_planning")
TARGETS_MS = {"township": 300, "county": 1000, "docx": 3000}
REPEAT = 9


def run_hand_sql(keys, units, year):
    from django.utils import timezone

    # A running year's figures are as of today (stocks, ages), as the registry takes them (people.metrics.as_of).
    end = min(datetime.date(year, 12, 31), timezone.localdate())
    return common.hand_figures(keys, units, datetime.date(year, 1, 1), end, year)


# --- the child ---------------------------------------------------------------------------------------

def _median_ms(fn, repeat=REPEAT) -> float:
    return common.median_ms(fn, repeat)


def _parts(keys):
    from banbiantian.core import metrics

    needed = []
    for key in keys:
        metric = metrics.get(key)
        needed += [metric.numerator, metric.denominator] if metric.kind == metrics.RATE else [key]
    return list(dict.fromkeys(needed))


def _check(keys, units, year, hand):
    """The registry's figures equal the hand-written query's."""
    from decimal import Decimal

    from banbiantian.core import metrics
    from banbiantian.core.metrics import Period

    got = metrics.compute(keys, units, Period("year", year))
    for key in keys:
        for unit in units:
            a, b = got[key][unit.pk], hand[unit.pk][key]
            if Decimal(a or 0) != Decimal(b or 0):
                raise SystemExit(f"figure differs: {key} for {unit.name}: registry {a}, hand SQL {b}")


def child(args) -> dict:
    common.setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from banbiantian.care.models import Benefit
    from banbiantian.core import areas
    from banbiantian.core.models import Level, OrgUnit, User
    from banbiantian.planning import selectors, summary
    from banbiantian.planning.models import Plan, Target
    from banbiantian.rights.models import Case

    setup_test_environment()
    # Import every module now: the code as it was when the run started is the code measured.
    from django.urls import get_resolver

    assert get_resolver().url_patterns
    today = datetime.date.today()
    year = today.year
    out = {"db": connection.vendor, "load_start": common.load()}
    started = time.monotonic()
    common.seed(args.people)
    out["seed_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    common.area_records(args.people, today)
    out["areas_s"] = round(time.monotonic() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out["cases"], out["benefits"] = Case.objects.count(), Benefit.objects.count()

    county = OrgUnit.objects.get(level=Level.COUNTY)
    plan = Plan.objects.get(unit=county, year=year)
    township = OrgUnit.objects.filter(level=Level.TOWNSHIP).order_by("code").first()
    township_plan = Plan.objects.get(unit=township, year=year)
    out["targets_county"] = plan.targets.count()
    out["targets_township"] = township_plan.targets.count()
    out["splits"] = Target.objects.filter(parent__plan=plan).count()

    def township_targets():
        return selectors.progress_for(list(selectors.targets_of(township_plan)), township, year)

    def county_targets():
        return selectors.county_table(plan)  # the townships' rows and the county's own

    def docx():
        return summary.summary_docx(unit=county, year=year)

    out["township_ms"] = _median_ms(township_targets)
    out["county_ms"] = _median_ms(county_targets)
    out["docx_ms"] = _median_ms(docx, repeat=5)
    print(json.dumps(out), file=sys.stderr, flush=True)  # partial figures survive a later failure

    # The same figures by one hand-written query each.
    t_keys = _parts([t.metric_key for t in township_plan.targets.all() if t.metric_key])
    c_keys = _parts([t.metric_key for t in plan.targets.all() if t.metric_key])
    d_keys = _parts([k for _a, _h, templates in areas.summary_sections() for tpl in templates for k in summary._keys(tpl)])
    townships = sorted({s.plan.unit for s in Target.objects.filter(parent__plan=plan).select_related("plan__unit")},
                       key=lambda u: u.path)
    for name, keys, units in (("township", t_keys, [township]), ("county", c_keys, [county, *townships]),
                              ("docx", d_keys, [county])):
        _check(keys, units, year, run_hand_sql(keys, units, year))
        out[f"{name}_sql_ms"] = _median_ms(lambda k=keys, u=units: run_hand_sql(k, u, year))
        out[f"{name}_figures"] = len(keys) * len(units)

    chair = User.objects.get(unit=township, role="township_chair")
    admin = User.objects.get(username="county_admin")
    as_chair, as_admin = common.logged_in(chair), common.logged_in(admin)
    page = common.page
    out["township_page_ms"] = _median_ms(page(as_chair, f"/planning/plans/{township_plan.pk}/"))
    out["county_page_ms"] = _median_ms(page(as_admin, f"/planning/plans/{plan.pk}/townships/"))
    out["docx_page_ms"] = _median_ms(page(as_admin, f"/planning/summary/?unit={county.pk}&year={year}"), repeat=5)
    out["dashboard_ms"] = _median_ms(page(as_chair, "/"))
    out["load_end"] = common.load()
    return out


# --- the parent --------------------------------------------------------------------------------------

def show(db, r, args):
    print(common.built_line(db, r, args.people) +
          f"county plan {r['targets_county']} targets split into {r['splits']}, "
          f"township plan {r['targets_township']} targets")
    for name, label in (("township", "township plan, all targets"), ("county", "county plan × townships"),
                        ("docx", "year-end .docx (county)")):
        ms, sql = r[f"{name}_ms"], r[f"{name}_sql_ms"]
        ok = "OK" if ms < TARGETS_MS[name] else "MISSED"
        print(f"[{db}] {label:28s} {ms:9.1f} ms (target < {TARGETS_MS[name]} ms: {ok}); one hand SQL "
              f"query for the same {r[f'{name}_figures']} figures {sql:8.1f} ms; ratio {common.ratio(ms, sql)}")
    for key, label in (("township_page_ms", "township plan page"), ("county_page_ms", "county townships page"),
                       ("docx_page_ms", ".docx download"), ("dashboard_ms", "chair's dashboard")):
        print(f"[{db}] {label:28s} {r[key]:9.1f} ms")


if __name__ == "__main__":
    common.main(child, __file__, "bench_planning", PG_URL, show)
