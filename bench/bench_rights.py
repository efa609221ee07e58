"""Benchmark of the rights (维权信访) pages on a county with many cases.

    .venv/bin/python bench/bench_rights.py                       # both databases, 300,000 people, 50,000 cases
    .venv/bin/python bench/bench_rights.py --sqlite --people 30000 --cases 50000
    .venv/bin/python bench/bench_rights.py --postgres --scale 0.2   # 20% of the people and cases

For each database the script runs itself again in a child process with DATABASE_URL set: the child
migrates a fresh database, runs `seed_demo --townships 30 --villages 12 --people N` (which seeds the
demo's own rights records through banbiantian/rights/demo.py: one petition per 20 people over three
years, monthly screenings), counts the queries of every request at that size, then tops the cases up
to --cases with the same generator (rights.demo.build_cases, over 5 years: every stage, ~15% domestic
violence with risk levels, same-matter repeats, mediations, referrals, extensions, some overdue), and
times the requests through django.test.Client (server-side: routing, middleware, queries, template),
checking that the query counts did not grow with rows. PostgreSQL is
postgres://postgres@127.0.0.1:5432/bench_rights (BENCH_PG_URL to change it); SQLite a file in a
fresh temporary directory (BENCH_SQLITE_DIR to choose where).
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import common
from common import ROOT, count_queries

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_rights")
TARGET_MS = 200


def parent(args) -> int:
    dbs = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "all": ["sqlite", "postgresql"]}[args.db]
    results = []
    def skip(reason):
        print(f"== PostgreSQL 无法连接，跳过：{reason}", flush=True)

    for db, url, _tmp in common.each_database(dbs, prefix="bench-rights-", pg_url=PG_URL,
                                              tmp_parent=os.environ.get("BENCH_SQLITE_DIR"), skipped=skip):
        result = common.run_child(__file__, ["--child", db, "--people", args.people, "--cases", args.cases,
                                             "--repeat", args.repeat], url, label=db)
        if result is None:
            return 1
        results.append(result)
    print()
    for r in results:
        print(f"### {r['label']} — {r['counts']['people']:,} people, {r['counts']['cases']:,} cases "
              f"(queries first counted at {r['counts']['small_cases']:,}; build {r['build_seconds']:.0f} s; "
              f"load average {r.get('load', '?')})")
        print("| request | as | median ms | p95 ms | queries (small data) | queries (full data) | target |")
        print("|---|---|---:|---:|---:|---:|---|")
        for m in r["requests"]:
            ok = "✓" if m["median_ms"] < TARGET_MS else "✗"
            print(f"| {m['label']} | {m['as']} | {m['median_ms']:.1f} | {m['p95_ms']:.1f} | {m['queries_small']} | "
                  f"{m['queries']} | < {TARGET_MS} ms {ok} |")
        print()
    return 0 if all(m["queries"] == m["queries_small"] for r in results for m in r["requests"]) else 1


# --- the child ----------------------------------------------------------------------------

def child(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from banbiantian.core.models import User
    from banbiantian.people.models import Person
    from banbiantian.rights.models import Case

    setup_test_environment()
    vendor = connection.vendor
    label = common.db_label(connection)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    print(f"[{label}] seed_demo {args.people:,} 人 …", flush=True)
    common.seed(args.people, quiet=True, migrate=False)
    from banbiantian.core.models import Level, OrgUnit
    from banbiantian.rights.demo import build_cases

    rng = random.Random(7)
    today = timezone.localdate()
    county = OrgUnit.objects.get(level=Level.COUNTY)
    small = Case.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE")

    admin = User.objects.get(username="county_admin")
    chair = User.objects.get(username="t01_chair")
    clients = {user.username: common.logged_in(user) for user in (admin, chair)}

    def repeat_person() -> int:
        row = (Case.objects.filter(unit=chair.unit).values("petitioner_id").annotate(n=Count("id"))
               .order_by("-n", "petitioner_id").first())
        return row["petitioner_id"]

    year_ago = today - datetime.timedelta(days=365)
    requests = [  # (label, user, url name, params function)
        ("case form, person with earlier cases", chair, "rights:register", lambda: {"person": repeat_person()}),
        ("due/overdue list", admin, "rights:due", lambda: {}),
        ("due/overdue list", chair, "rights:due", lambda: {}),
        ("statistics, county, one year", admin, "rights:stats",
         lambda: {"date_from": year_ago.isoformat(), "date_to": today.isoformat()}),
        ("case list, first page", admin, "rights:home", lambda: {}),
        ("rights dashboard panel (function)", admin, None, lambda: {}),
    ]
    from banbiantian.core import metrics
    from banbiantian.core.metrics import Period
    from banbiantian.rights.dashboard import rights_panel

    rights_keys = [m.key for m in metrics.all_metrics() if m.area == "rights"]
    units = [county, *OrgUnit.objects.filter(parent=county, level=Level.TOWNSHIP)]
    requests.append(("all rights metrics, county + townships, one year (function)", admin, "metrics", lambda: {}))

    def measure(repeat: int, collect: bool):
        out = []
        for req_label, user, name, params_of in requests:
            client, params = clients[user.username], params_of()
            if name is None:  # the panel alone: the dashboard page also carries other areas' panels
                def call(user=user):
                    return rights_panel(user)
            elif name == "metrics":  # what planning asks for a year's plan of the whole county
                def call():
                    return metrics.compute(rights_keys, units, Period("year", today.year))
            else:
                url = reverse(name)

                def call(client=client, url=url, params=params, req_label=req_label):
                    assert client.get(url, params).status_code == 200, req_label
            for _warm in range(2):
                call()
            with count_queries(connection) as counter:
                call()
            times = common.times_ms(call, repeat if collect else 0)
            out.append({"label": req_label, "as": user.username, "queries": counter.n, "times": times})
        return out

    small_run = measure(0, False)
    print(f"[{label}] 演示数据含 {small:,} 件案件；再加入 {args.cases - small:,} 件 …", flush=True)
    build_cases(county, args.cases - small, rng=rng, today=today, years=5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE")
    build_seconds = time.perf_counter() - started
    full_run = measure(args.repeat, True)
    results = []
    for s, f in zip(small_run, full_run, strict=True):
        times = f["times"]
        p95 = common.p95(times)
        results.append({"label": f["label"], "as": f["as"], "median_ms": statistics.median(times), "p95_ms": p95,
                        "queries": f["queries"], "queries_small": s["queries"]})
        print(f"[{label}] {f['label']:38} {f['as']:12} median {statistics.median(times):7.1f} ms  "
              f"p95 {p95:7.1f} ms  queries {s['queries']}→{f['queries']}", flush=True)
    counts = {"people": Person.objects.count(), "cases": Case.objects.count(), "small_cases": small}
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    Path(args.out).write_text(json.dumps({"label": label, "counts": counts, "build_seconds": build_seconds,
                                          "load": " ".join(load),
                                          "requests": results}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="维权信访页面基准测试")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--sqlite", dest="db", action="store_const", const="sqlite")
    group.add_argument("--postgres", dest="db", action="store_const", const="postgres")
    parser.set_defaults(db="all")
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--scale", type=float, default=None, help="multiply --people and --cases")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--child")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.scale:
        args.people, args.cases = int(args.people * args.scale), int(args.cases * args.scale)
    if args.child:
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
