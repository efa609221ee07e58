"""Benchmark of plans, targets and the year-end summary (计划 / 总结) on a county-sized database.

    .venv/bin/python bench/bench_planning.py                        # SQLite and PostgreSQL, 300,000 people
    .venv/bin/python bench/bench_planning.py --sqlite --people 30000  # a quick run

For each database a child process migrates a fresh database and runs `seed_demo --townships 30
--villages 12 --people N`, which seeds every area that has a demo module and then the planning
demo (the county's plan for this year, split to the 30 townships). Areas whose demo does not
yet add records get the volumes of their own benchmarks (bench_care.build_care: 80,000
screening results, 200,000 benefits, 20,000 pairings…; bench_rights.build_cases: 50,000 cases).
It then measures, as medians of repeated runs:

  township plan   all targets of one township's plan, computed (selectors.progress_for), and
                  the plan page through django.test.Client            target < 300 ms
  county plan     every township × every split target plus the county's own row
                  (selectors.county_table), and that page               target < 1 s
  docx            the year-end .docx for the county (summary.summary_docx), and the download
                                                                       target < 3 s

Each is compared with ONE hand-written SQL query computing the same figures (grouped by the
unit's path prefix, like the registry does), and the figures are checked to be equal. The
machine's load average is printed beside the figures. PostgreSQL:
postgres://postgres@127.0.0.1:5432/bench_planning (BENCH_PG_URL to change it).
"""

import argparse
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_planning")
TARGETS_MS = {"township": 300, "county": 1000, "docx": 3000}
REPEAT = 9


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


# --- the hand-written SQL ---------------------------------------------------------------------------
# Each figure: (FROM … JOIN core_orgunit u … , WHERE conditions, aggregate). Parameters: :start
# :end (dates), :start_dt :end_dt (the period's first instant and the instant after it), :adult
# (born on or before: 18 on the period's last day), :year.

PERSON = "people_person p JOIN core_orgunit u ON u.id = p.unit_id"
MEMBER = ("people_groupmembership m JOIN people_specialgroup g ON g.id = m.group_id "
          "JOIN people_person p ON p.id = m.person_id JOIN core_orgunit u ON u.id = p.unit_id")
ACTIVE_MEMBER = "m.start_date <= :end AND (m.end_date IS NULL OR m.end_date >= :start)"
CASE = "rights_case c JOIN core_orgunit u ON u.id = c.unit_id"
MEDIATION = ("rights_mediationsession s JOIN rights_case c ON c.id = s.case_id "
             "JOIN core_orgunit u ON u.id = c.unit_id")
DISPUTE = "rights_disputescreening d JOIN core_orgunit u ON u.id = d.unit_id"
BENEFIT = "care_benefit b JOIN people_person p ON p.id = b.person_id JOIN core_orgunit u ON u.id = p.unit_id"
PAIRING = ("care_pairing pr JOIN people_person p ON p.id = pr.beneficiary_id "
           "JOIN core_orgunit u ON u.id = p.unit_id")
ACTIVE_PAIRING = "pr.start_date <= :end AND (pr.end_date IS NULL OR pr.end_date >= :start)"
SCREENING = ("care_screeningresult s JOIN care_screeningcampaign k ON k.id = s.campaign_id "
             "JOIN people_person p ON p.id = s.person_id JOIN core_orgunit u ON u.id = p.unit_id")
IN_PERIOD = "BETWEEN :start AND :end"


def _case(condition: str, date: str = "received_on") -> tuple:
    return (CASE, f"c.{date} {IN_PERIOD}" + (f" AND {condition}" if condition else ""), "COUNT(*)")


FIGURES = {
    "people.persons": (PERSON, "p.created_at < :end_dt", "COUNT(*)"),
    "people.women": (PERSON, "p.created_at < :end_dt AND p.sex = 'F' AND p.birth_date <= :adult", "COUNT(*)"),
    "people.women_new": (PERSON, "p.created_at >= :start_dt AND p.created_at < :end_dt AND p.sex = 'F' "
                                 "AND p.birth_date <= :adult", "COUNT(*)"),
    "people.children": (PERSON, "p.created_at < :end_dt AND p.birth_date > :adult", "COUNT(*)"),
    "people.households": ("people_household h JOIN core_orgunit u ON u.id = h.unit_id", "h.created_at < :end_dt",
                          "COUNT(*)"),
    "people.special_group_people": (MEMBER, ACTIVE_MEMBER, "COUNT(DISTINCT m.person_id)"),
    **{f"people.group.{code}": (MEMBER, f"g.code = '{code}' AND {ACTIVE_MEMBER}", "COUNT(DISTINCT m.person_id)")
       for code in ("left_behind_women", "poor_mothers", "single_poor_mothers", "left_behind_children",
                    "children_in_plight")},
    "rights.cases_received": _case(""),
    "rights.cases_accepted": _case("", "accepted_on"),
    "rights.cases_accepted_closed": _case("c.closed_on IS NOT NULL", "accepted_on"),
    "rights.cases_closed": _case("", "closed_on"),
    "rights.cases_closed_on_time": _case("c.closed_on <= c.close_due", "closed_on"),
    "rights.satisfaction_asked": _case("c.satisfied IS NOT NULL", "closed_on"),
    "rights.cases_satisfied": _case("c.satisfied", "closed_on"),
    "rights.cases_repeat": _case("c.is_repeat"),
    "rights.cases_skip_level": _case("c.skip_level"),
    "rights.dv_cases": _case("c.is_dv"),
    "rights.dv_risk_high": _case("c.is_dv AND c.risk_level = 'high'"),
    "rights.dv_risk_danger": _case("c.is_dv AND c.risk_level = 'danger'"),
    "rights.warnings_issued": _case("", "warning_issued_on"),
    "rights.protection_orders_granted": _case("", "order_granted_on"),
    "rights.mediation_sessions": (MEDIATION, f"s.held_on {IN_PERIOD}", "COUNT(*)"),
    "rights.mediation_agreements": (MEDIATION, f"s.held_on {IN_PERIOD} AND s.agreement_reached", "COUNT(*)"),
    "rights.screening_found": (DISPUTE, f"d.month {IN_PERIOD}", "SUM(d.found)"),
    "rights.screening_resolved": (DISPUTE, f"d.month {IN_PERIOD}", "SUM(d.resolved)"),
    "rights.screening_escalated": (DISPUTE, f"d.month {IN_PERIOD}", "SUM(d.escalated)"),
    "care.people_reached": (BENEFIT, f"b.given_on {IN_PERIOD}", "COUNT(DISTINCT b.person_id)"),
    "care.benefits_given": (BENEFIT, f"b.given_on {IN_PERIOD}", "COUNT(*)"),
    "care.benefit_cash": (BENEFIT, f"b.given_on {IN_PERIOD}", "SUM(b.cash)"),
    "care.benefit_goods_value": (BENEFIT, f"b.given_on {IN_PERIOD}", "SUM(b.goods_value)"),
    "care.pairings_active": (PAIRING, ACTIVE_PAIRING, "COUNT(*)"),
    "care.people_paired": (PAIRING, ACTIVE_PAIRING, "COUNT(DISTINCT pr.beneficiary_id)"),
    "care.poor_mothers_paired": (PAIRING, ACTIVE_PAIRING + " AND pr.beneficiary_id IN (SELECT m.person_id FROM "
                                 "people_groupmembership m JOIN people_specialgroup g ON g.id = m.group_id "
                                 f"WHERE g.code = 'poor_mothers' AND {ACTIVE_MEMBER})",
                                 "COUNT(DISTINCT pr.beneficiary_id)"),
    "care.pairing_visits": ("care_visit v JOIN care_pairing pr ON pr.id = v.pairing_id JOIN people_person p "
                            "ON p.id = pr.beneficiary_id JOIN core_orgunit u ON u.id = p.unit_id",
                            f"v.date {IN_PERIOD}", "COUNT(*)"),
    "care.screened": (SCREENING, f"k.date {IN_PERIOD}", "COUNT(*)"),
    "care.screened_cervical": (SCREENING, f"k.date {IN_PERIOD} AND s.cervical", "COUNT(*)"),
    "care.screened_breast": (SCREENING, f"k.date {IN_PERIOD} AND s.breast", "COUNT(*)"),
    "care.screening_abnormal": (SCREENING, f"k.date {IN_PERIOD} AND s.result <> 'normal'", "COUNT(*)"),
    "care.screening_followed_up": (SCREENING, f"k.date {IN_PERIOD} AND s.result <> 'normal' AND s.follow_up <> ''",
                                   "COUNT(*)"),
    "care.relief_approved": ("care_reliefapplication r JOIN people_person p ON p.id = r.person_id "
                             "JOIN core_orgunit u ON u.id = p.unit_id",
                             f"r.status IN ('approved', 'ended') AND r.decided_on {IN_PERIOD}", "COUNT(*)"),
    "care.relief_amount": ("care_reliefapplication r JOIN people_person p ON p.id = r.person_id "
                           "JOIN core_orgunit u ON u.id = p.unit_id",
                           f"r.status IN ('approved', 'ended') AND r.decided_on {IN_PERIOD}", "SUM(r.amount)"),
    "care.spring_bud_girls_aided": ("care_springbudaid a JOIN care_springbudgirl sg ON sg.id = a.girl_id "
                                    "JOIN people_person p ON p.id = sg.person_id JOIN core_orgunit u ON u.id = p.unit_id",
                                    f"a.paid_on {IN_PERIOD}", "COUNT(DISTINCT a.girl_id)"),
    "care.spring_bud_aid_amount": ("care_springbudaid a JOIN care_springbudgirl sg ON sg.id = a.girl_id "
                                   "JOIN people_person p ON p.id = sg.person_id JOIN core_orgunit u ON u.id = p.unit_id",
                                   f"a.paid_on {IN_PERIOD}", "SUM(a.amount)"),
    "care.left_behind_children": ("care_censuschild cc JOIN care_censusround cr ON cr.id = cc.round_id "
                                  "JOIN people_person p ON p.id = cc.child_id JOIN core_orgunit u ON u.id = p.unit_id",
                                  "cr.year = :year", "COUNT(DISTINCT cc.child_id)"),
    "care.insurance_policies": ("care_insurancepolicy ip JOIN people_person p ON p.id = ip.person_id "
                                "JOIN core_orgunit u ON u.id = p.unit_id", "ip.year = :year", "COUNT(*)"),
    "care.insurance_premiums": ("care_insurancepolicy ip JOIN people_person p ON p.id = ip.person_id "
                                "JOIN core_orgunit u ON u.id = p.unit_id", "ip.year = :year", "SUM(ip.premium)"),
    "care.insurance_claims_paid": ("care_insuranceclaim ic JOIN care_insurancepolicy ip ON ip.id = ic.policy_id "
                                   "JOIN people_person p ON p.id = ip.person_id JOIN core_orgunit u ON u.id = p.unit_id",
                                   f"ic.date {IN_PERIOD}", "SUM(ic.amount_paid)"),
    "care.donations_in": ("care_fundentry f JOIN care_fund fu ON fu.id = f.fund_id JOIN core_orgunit u ON u.id = fu.unit_id",
                          f"f.direction = 'in' AND f.date {IN_PERIOD}", "SUM(f.amount)"),
    "care.donations_out": ("care_fundentry f JOIN care_fund fu ON fu.id = f.fund_id JOIN core_orgunit u ON u.id = fu.unit_id",
                           f"f.direction = 'out' AND f.date {IN_PERIOD}", "SUM(f.amount)"),
}


def hand_sql(keys: list[str], units: list) -> tuple[str, dict]:
    """One statement: for each group of units of the same depth, the units joined to one grouped
    derived table per figure (UNION ALL across depths). Rates need their two parts only."""
    selects, params = [], {}
    by_length: dict[int, list] = {}
    for unit in units:
        by_length.setdefault(len(unit.path), []).append(unit)
    for g, (length, group) in enumerate(sorted(by_length.items())):
        ids = ", ".join(str(u.pk) for u in group)
        common = os.path.commonprefix([u.path for u in group])
        common = common[: common.rfind("/") + 1]
        params[f"like{g}"] = common + "%"
        columns, joins = [], []
        if len(group) == 1:
            # One unit: a scalar subquery per figure, the records picked by their unit column
            # among the subtree's units (no join to the units, no grouping).
            for i, key in enumerate(keys):
                source, where, aggregate = FIGURES[key]
                match = re.search(r"\s+JOIN core_orgunit u ON u\.id = (\w+\.\w+)$", source)
                columns.append(f"(SELECT {aggregate} FROM {source[:match.start()]} WHERE {match.group(1)} IN "
                               f"(SELECT id FROM core_orgunit WHERE path LIKE :like{g}) AND {where}) AS c{i}")
            selects.append(f"SELECT t.id, {', '.join(columns)} FROM core_orgunit t WHERE t.id = {group[0].pk}")
            continue
        for i, key in enumerate(keys):
            source, where, aggregate = FIGURES[key]
            alias = f"f{g}_{i}"
            joins.append(f"LEFT JOIN (SELECT SUBSTR(u.path, 1, {length}) AS pfx, {aggregate} AS v FROM {source} "
                         f"WHERE u.path LIKE :like{g} AND {where} GROUP BY SUBSTR(u.path, 1, {length})) {alias} "
                         f"ON {alias}.pfx = t.path")
            columns.append(f"COALESCE({alias}.v, 0) AS c{i}")
        selects.append(f"SELECT t.id, {', '.join(columns)} FROM core_orgunit t {' '.join(joins)} WHERE t.id IN ({ids})")
    return " UNION ALL ".join(selects), params


def run_hand_sql(keys, units, year):
    from django.db import connection
    from django.utils import timezone

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    params = {"start": start, "end": end, "year": year, "adult": end.replace(year=end.year - 18),
              "start_dt": timezone.make_aware(datetime.datetime(year, 1, 1)),
              "end_dt": timezone.make_aware(datetime.datetime(year + 1, 1, 1))}
    sql, more = hand_sql(keys, units)
    params.update(more)
    sql = re.sub(r":(\w+)", r"%(\1)s", sql)  # named parameters, as both backends take them
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {row[0]: {k: v or 0 for k, v in zip(keys, row[1:], strict=True)} for row in rows}


# --- the child ---------------------------------------------------------------------------------------

def _median_ms(fn, repeat=REPEAT) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


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
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banbiantian.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from banbiantian.care.models import Benefit
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
    out = {"db": connection.vendor, "load_start": _load()}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", townships="30", villages="12", people=str(args.people), verbosity=0)
    out["seed_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    if not Benefit.objects.exists():
        import bench_care

        bench_care.build_care(args.people, 1.0, year)
    if not Case.objects.exists():
        import bench_rights

        bench_rights.build_cases(int(50_000 * args.people / 300_000), random.Random(6), today)
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
    d_keys = _parts([k for _a, _h, templates in summary.SECTIONS for tpl in templates for k in summary._keys(tpl)])
    townships = sorted({s.plan.unit for s in Target.objects.filter(parent__plan=plan).select_related("plan__unit")},
                       key=lambda u: u.path)
    for name, keys, units in (("township", t_keys, [township]), ("county", c_keys, [county, *townships]),
                              ("docx", d_keys, [county])):
        _check(keys, units, year, run_hand_sql(keys, units, year))
        out[f"{name}_sql_ms"] = _median_ms(lambda k=keys, u=units: run_hand_sql(k, u, year))
        out[f"{name}_figures"] = len(keys) * len(units)

    chair = User.objects.get(unit=township, role="township_chair")
    admin = User.objects.get(username="county_admin")
    as_chair, as_admin = Client(), Client()
    as_chair.force_login(chair, backend="django.contrib.auth.backends.ModelBackend")
    as_admin.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")

    def page(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, url
        return get

    out["township_page_ms"] = _median_ms(page(as_chair, f"/planning/plans/{township_plan.pk}/"))
    out["county_page_ms"] = _median_ms(page(as_admin, f"/planning/plans/{plan.pk}/townships/"))
    out["docx_page_ms"] = _median_ms(page(as_admin, f"/planning/summary/?unit={county.pk}&year={year}"), repeat=5)
    out["dashboard_ms"] = _median_ms(page(as_chair, "/"))
    out["load_end"] = _load()
    return out


# --- the parent --------------------------------------------------------------------------------------

def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--out")
    return parser.parse_args()


def each_database(args, script: str, name: str, pg_url: str):
    """Run `script --child` once per database asked for (a fresh SQLite file; the PostgreSQL
    database `pg_url` dropped and made again), yielding (database, the child's figures)."""
    import bench_care

    print(f"Machine: {bench_care.machine()}", flush=True)
    for db in [d for d, on in (("sqlite", args.sqlite), ("postgres", args.postgres)) if on] or ["sqlite", "postgres"]:
        with tempfile.TemporaryDirectory(prefix=f"{name}_") as tmp:
            if db == "sqlite":
                url = f"sqlite:///{tmp}/{name}.sqlite3"
            else:
                url = pg_url
                problem = bench_care.prepare_postgres(url)
                if problem:
                    print(f"[postgres] skipped: {problem}")
                    continue
            out_path = f"{tmp}/out.json"
            env = {**os.environ, "DATABASE_URL": url, "BANBIANTIAN_DEMO": "1",
                   "DJANGO_SETTINGS_MODULE": "banbiantian.settings"}
            cmd = [sys.executable, script, "--child", "--out", out_path, "--people", str(args.people)]
            if subprocess.run(cmd, env=env, cwd=ROOT).returncode != 0:
                raise SystemExit(f"[{db}] failed")
            yield db, json.loads(Path(out_path).read_text())


def main():
    args = parse_args()
    if args.child:
        Path(args.out).write_text(json.dumps(child(args)))
        return
    for db, r in each_database(args, __file__, "bench_planning", PG_URL):
        print(f"[{db}] load {r['load_start']} → {r['load_end']}; seed_demo {args.people} people in {r['seed_s']} s, "
              f"area records in {r['areas_s']} s ({r['cases']} cases, {r['benefits']} benefits); "
              f"county plan {r['targets_county']} targets split into {r['splits']}, "
              f"township plan {r['targets_township']} targets")
        for name, label in (("township", "township plan, all targets"), ("county", "county plan × townships"),
                            ("docx", "year-end .docx (county)")):
            ms, sql = r[f"{name}_ms"], r[f"{name}_sql_ms"]
            ok = "OK" if ms < TARGETS_MS[name] else "MISSED"
            print(f"[{db}] {label:28s} {ms:9.1f} ms (target < {TARGETS_MS[name]} ms: {ok}); one hand SQL "
                  f"query for the same {r[f'{name}_figures']} figures {sql:8.1f} ms; ratio {ms / sql:5.2f}")
        for key, label in (("township_page_ms", "township plan page"), ("county_page_ms", "county townships page"),
                           ("docx_page_ms", ".docx download"), ("dashboard_ms", "chair's dashboard")):
            print(f"[{db}] {label:28s} {r[key]:9.1f} ms")


if __name__ == "__main__":
    main()
