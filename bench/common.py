"""What every benchmark script shares: the machine, the databases, the child process, timing,
counting queries, and the hand-written SQL the registry's figures are compared with.

Each script (bench/run.py, bench_care.py, bench_planning.py, bench_rights.py, bench_statforms.py,
bench_transfer.py) runs itself again in a child process per database with DATABASE_URL set
(Django reads its settings once); `each_database` gives the parent one fresh database after the
other, `run_child` runs the child on it and returns the figures it wrote as JSON.
"""

import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# --- the machine --------------------------------------------------------------------------------

def load() -> str:
    """The one-minute load average."""
    return Path("/proc/loadavg").read_text().split()[0]


def machine_info() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(terse=True)}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(next(line for line in meminfo.splitlines() if line.startswith("MemTotal")).split()[1])
        info["ram_gb"] = round(kb / 1024 / 1024, 1)
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((line.split(":", 1)[1].strip() for line in cpu.splitlines()
                            if line.startswith("model name")), "")
        info["load"] = load()
    except (OSError, StopIteration, ValueError):
        pass
    return info


def machine() -> str:
    """The machine in one line, for the scripts that print it first."""
    info = machine_info()
    ram = f"{info['ram_gb']:.1f} GB RAM" if "ram_gb" in info else "? RAM"
    return (f"{info['nproc']} CPUs ({info.get('cpu', '')}), {ram}, {info['system']}, "
            f"Python {info['python']}, load average {info.get('load', '?')} at the start")


# --- the databases and the child --------------------------------------------------------------------

def prepare_postgres(url: str) -> str | None:
    """Drop and create the benchmark database; the reason when PostgreSQL cannot be reached, else None."""
    try:
        import psycopg
    except ImportError:
        return "psycopg 未安装"
    from urllib.parse import urlparse

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[0]
    return None


def chosen(args) -> list[str]:
    """The databases of --sqlite / --postgres: both when neither is given."""
    return [db for db, on in (("sqlite", args.sqlite), ("postgres", args.postgres)) if on] or ["sqlite", "postgres"]


def each_database(databases, *, prefix: str, pg_url: str, sqlite_file: str = "bench.sqlite3",
                  tmp_parent: str | None = None, sqlite_dir: str | None = None, skipped=None):
    """Yield (database, DATABASE_URL, working directory) for each of `databases` ("sqlite", or
    "postgres"/"postgresql"): SQLite a file in a fresh temporary directory (inside `tmp_parent`,
    or `sqlite_dir` itself, kept), PostgreSQL the database `pg_url` dropped and made again. An
    unreachable server is skipped: `skipped(reason)`, or a line saying so."""
    for db in databases:
        with tempfile.TemporaryDirectory(prefix=prefix, dir=tmp_parent) as tmp:
            if db == "sqlite":
                if sqlite_dir:
                    tmp = sqlite_dir
                    Path(tmp).mkdir(parents=True, exist_ok=True)
                url = f"sqlite:///{tmp}/{sqlite_file}"
            else:
                url = pg_url
                problem = prepare_postgres(url)
                if problem:
                    if skipped:
                        skipped(problem)
                    else:
                        print(f"[postgres] skipped: {problem}")
                    continue
            yield db, url, tmp


def parse_args():
    """--sqlite, --postgres (both when neither), --people N; --child and --out for the child."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--out")
    return parser.parse_args()


def children(args, script, name: str, pg_url: str):
    """Run `script --child` once per database of parse_args (a fresh SQLite file; the PostgreSQL
    database `pg_url` dropped and made again), yielding (database, the child's figures)."""
    print(f"Machine: {machine()}", flush=True)
    for db, url, _tmp in each_database(chosen(args), prefix=f"{name}_", pg_url=pg_url, sqlite_file=f"{name}.sqlite3"):
        figures = run_child(script, ["--child", "--people", args.people], url)
        if figures is None:
            raise SystemExit(f"[{db}] failed")
        yield db, figures


def main(child, script, name: str, pg_url: str, show) -> None:
    """The whole script: in the child (--child), child(args) written as JSON; in the parent,
    show(database, figures, args) for each database the child ran on."""
    import json

    args = parse_args()
    if args.child:
        Path(args.out).write_text(json.dumps(child(args)))
        return
    for db, figures in children(args, script, name, pg_url):
        show(db, figures, args)


def built_line(db: str, r: dict, people: int) -> str:
    """The load, seed_demo and area-records part of a run's first line."""
    return (f"[{db}] load {r['load_start']} → {r['load_end']}; seed_demo {people} people in {r['seed_s']} s, "
            f"area records in {r['areas_s']} s ({r['cases']} cases, {r['benefits']} benefits); ")


def run_child(script, argv, url: str, *, env=None, label: str = "") -> dict | None:
    """Run `script argv --out FILE` with DATABASE_URL=url (and the demo's settings); the JSON it
    wrote, or None (said on stderr, after `label`) when it failed."""
    import json

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = out.name
    env = {**os.environ, "DATABASE_URL": url, "BANBIANTIAN_DEMO": "1", "DJANGO_SETTINGS_MODULE": "banbiantian.settings",
           **(env or {})}
    try:
        done = subprocess.run([sys.executable, str(script), *map(str, argv), "--out", out_path], env=env, cwd=ROOT)
        if done.returncode != 0:
            print(f"[{label or Path(script).stem}] 基准测试失败（退出码 {done.returncode}）", file=sys.stderr)
            return None
        return json.loads(Path(out_path).read_text())
    finally:
        Path(out_path).unlink(missing_ok=True)


# --- in the child -------------------------------------------------------------------------------

def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banbiantian.settings")
    os.environ.setdefault("BANBIANTIAN_DEMO", "1")
    import django

    django.setup()


def db_label(connection) -> str:
    """"SQLite 3.46.1" or "PostgreSQL 17.2"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    return f"SQLite {version}" if connection.vendor == "sqlite" else f"PostgreSQL {version.split()[0]}"


def seed(people: int, *, quiet: bool = False, migrate: bool = True) -> None:
    """A migrated database with the demo county: 30 townships of 12 villages, `people` people."""
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)
    kwargs = {"stdout": open(os.devnull, "w")} if quiet else {}
    call_command("seed_demo", townships="30", villages="12", people=str(people), verbosity=0, **kwargs)


def area_records(people: int, today: datetime.date) -> None:
    """Care and rights records at their own benchmarks' volumes, for areas whose demo adds none."""
    import random

    from banbiantian.care.models import Benefit
    from banbiantian.rights.models import Case

    if not Benefit.objects.exists():
        import bench_care

        bench_care.build_care(people, 1.0, today.year)
    if not Case.objects.exists():
        from banbiantian.core.models import Level, OrgUnit
        from banbiantian.rights.demo import build_cases

        build_cases(OrgUnit.objects.get(level=Level.COUNTY), int(50_000 * people / 300_000), rng=random.Random(6),
                    today=today, years=5)


def logged_in(user):
    """A django.test.Client logged in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def page(client, url):
    """A function that GETs `url` and checks it answers 200."""
    def get():
        response = client.get(url)
        assert response.status_code == 200, url
    return get


def times_ms(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def median_ms(fn, repeat: int) -> float:
    """fn once to warm, then the median of `repeat` runs, in ms to one decimal."""
    fn()
    return round(statistics.median(times_ms(fn, repeat)), 1)


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def fmt_ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


class count_queries:
    """Counts the statements a block sends to the database (whatever DEBUG and the query log say)."""

    def __init__(self, connection):
        self.connection, self.n = connection, 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = self.connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


# --- the report ---------------------------------------------------------------------------------

def write_block(doc: Path, text: str, start: str, end: str, heading: str) -> None:
    """Put `text` between the markers `start` and `end` of `doc` (added under `heading` when absent)."""
    doc.parent.mkdir(exist_ok=True)
    current = doc.read_text() if doc.exists() else ""
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        new = head + block + rest.split(end, 1)[1]
    else:
        new = (current.rstrip() + "\n\n" if current else "# Benchmarks\n\n") + f"{heading}\n\n" + block + "\n"
    doc.write_text(new)
    print(f"已更新 {doc.relative_to(ROOT)}")


def ratio(ms: float, sql_ms: float) -> str:
    """How many times the one hand-written query's time the registry's took."""
    return f"{ms / sql_ms:5.2f}"


# --- the same figures by hand ---------------------------------------------------------------------
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


def _group(code: str) -> tuple:
    return (MEMBER, f"g.code = '{code}' AND {ACTIVE_MEMBER}", "COUNT(DISTINCT m.person_id)")


FIGURES = {
    "people.persons": (PERSON, "p.created_at < :end_dt", "COUNT(*)"),
    "people.women": (PERSON, "p.created_at < :end_dt AND p.sex = 'F' AND p.birth_date <= :adult", "COUNT(*)"),
    "people.women_new": (PERSON, "p.created_at >= :start_dt AND p.created_at < :end_dt AND p.sex = 'F' "
                                 "AND p.birth_date <= :adult", "COUNT(*)"),
    "people.children": (PERSON, "p.created_at < :end_dt AND p.birth_date > :adult", "COUNT(*)"),
    "people.households": ("people_household h JOIN core_orgunit u ON u.id = h.unit_id", "h.created_at < :end_dt",
                          "COUNT(*)"),
    "people.special_group_people": (MEMBER, ACTIVE_MEMBER, "COUNT(DISTINCT m.person_id)"),
    **{f"people.group.{code}": _group(code)
       for code in ("left_behind_women", "poor_mothers", "single_poor_mothers", "left_behind_children",
                    "children_in_plight")},
    "rights.cases_received": _case(""),
    "rights.cases_accepted": _case("", "accepted_on"),
    "rights.cases_accepted_closed": _case("c.closed_on <= :end", "accepted_on"),  # closed by the period's end
    "rights.cases_closed": _case("", "closed_on"),
    "rights.cases_closed_on_time": _case("c.closed_on <= c.close_due", "closed_on"),
    "rights.satisfaction_asked": _case("c.satisfied IS NOT NULL", "closed_on"),
    "rights.cases_satisfied": _case("c.satisfied", "closed_on"),
    "rights.cases_repeat": _case("c.is_repeat"),
    "rights.cases_skip_level": _case("c.skip_level"),
    "rights.dv_cases": _case("c.is_dv"),
    "rights.dv_cases_accepted": _case("c.is_dv", "accepted_on"),
    "rights.dv_risk_high": _case("c.is_dv AND c.risk_level = 'high'"),
    "rights.dv_risk_danger": _case("c.is_dv AND c.risk_level = 'danger'"),
    "rights.warnings_issued": _case("", "warning_issued_on"),
    "rights.protection_orders_applied": (CASE, "c.order_applied_at >= :start_dt AND c.order_applied_at < :end_dt",
                                         "COUNT(*)"),
    "rights.protection_orders_granted": _case("", "order_granted_on"),
    "rights.mediation_sessions": (MEDIATION, f"s.held_on {IN_PERIOD}", "COUNT(*)"),
    "rights.mediation_agreements": (MEDIATION, f"s.held_on {IN_PERIOD} AND s.agreement_reached", "COUNT(*)"),
    "rights.family_mediation_sessions": (MEDIATION, f"s.held_on {IN_PERIOD} AND (c.is_dv OR c.category_id IN "
                                         "(SELECT id FROM rights_casecategory WHERE code = 'marriage' "
                                         "OR is_domestic_violence))", "COUNT(*)"),
    "rights.screening_found": (DISPUTE, f"d.month {IN_PERIOD}", "SUM(d.found)"),
    "rights.screening_resolved": (DISPUTE, f"d.month {IN_PERIOD}", "SUM(d.resolved)"),
    "rights.screening_escalated": (DISPUTE, f"d.month {IN_PERIOD}", "SUM(d.escalated)"),
    "care.enrolments_applied": ("care_enrolment e JOIN people_person p ON p.id = e.person_id "
                                "JOIN core_orgunit u ON u.id = p.unit_id", f"e.applied_on {IN_PERIOD}",
                                "COUNT(DISTINCT e.person_id)"),
    "care.beneficiaries_approved": ("care_enrolmentstep st JOIN care_enrolment e ON e.id = st.enrolment_id "
                                    "JOIN people_person p ON p.id = e.person_id JOIN core_orgunit u ON u.id = p.unit_id",
                                    "st.to_status = 'approved' AND st.at >= :start_dt AND st.at < :end_dt",
                                    "COUNT(DISTINCT e.person_id)"),
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
                             f"r.status IN ('approved', 'ended') AND r.decided_on {IN_PERIOD}",
                             "COUNT(DISTINCT r.person_id)"),
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
    "care.donated_goods_value": ("care_fundentry f JOIN care_fund fu ON fu.id = f.fund_id "
                                 "JOIN core_orgunit u ON u.id = fu.unit_id",
                                 f"f.direction = 'in' AND f.date {IN_PERIOD}", "SUM(f.goods_value)"),
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
                source, where, aggregate = figure(key)
                match = re.search(r"\s+JOIN core_orgunit u ON u\.id = (\w+\.\w+)$", source)
                columns.append(f"(SELECT {aggregate} FROM {source[:match.start()]} WHERE {match.group(1)} IN "
                               f"(SELECT id FROM core_orgunit WHERE path LIKE :like{g}) AND {where}) AS c{i}")
            selects.append(f"SELECT t.id, {', '.join(columns)} FROM core_orgunit t WHERE t.id = {group[0].pk}")
            continue
        for i, key in enumerate(keys):
            source, where, aggregate = figure(key)
            alias = f"f{g}_{i}"
            joins.append(f"LEFT JOIN (SELECT SUBSTR(u.path, 1, {length}) AS pfx, {aggregate} AS v FROM {source} "
                         f"WHERE u.path LIKE :like{g} AND {where} GROUP BY SUBSTR(u.path, 1, {length})) {alias} "
                         f"ON {alias}.pfx = t.path")
            columns.append(f"COALESCE({alias}.v, 0) AS c{i}")
        selects.append(f"SELECT t.id, {', '.join(columns)} FROM core_orgunit t {' '.join(joins)} WHERE t.id IN ({ids})")
    return " UNION ALL ".join(selects), params


def figure(key: str) -> tuple:
    """FIGURES[key]; a special group not listed there is counted the same way as those that are."""
    if key not in FIGURES and key.startswith("people.group."):
        return _group(key.rsplit(".", 1)[1])
    return FIGURES[key]


def hand_figures(keys: list[str], units: list, start: datetime.date, end: datetime.date, year: int) -> dict:
    """{unit id: {key: figure}} for the period start…end, by the one statement of hand_sql."""
    from django.db import connection
    from django.utils import timezone

    params = {"start": start, "end": end, "year": year, "adult": end.replace(year=end.year - 18),
              "start_dt": timezone.make_aware(datetime.datetime.combine(start, datetime.time())),
              "end_dt": timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1),
                                                                      datetime.time()))}
    sql, more = hand_sql(keys, units)
    params.update(more)
    sql = re.sub(r":(\w+)", r"%(\1)s", sql)  # named parameters, as both backends take them
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {row[0]: {k: v or 0 for k, v in zip(keys, row[1:], strict=True)} for row in rows}
