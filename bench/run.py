"""Benchmarks: build the 300,000-person demo county and time the pages people wait for.

    .venv/bin/python bench/run.py                  # SQLite and PostgreSQL, 300,000 people
    .venv/bin/python bench/run.py --people 20000   # a quick run
    .venv/bin/python bench/run.py --write          # also update docs/benchmarks.md
    .venv/bin/python bench/run.py --db sqlite --explain   # and print the query plans

For each database the script runs itself again in a child process with DATABASE_URL set
(Django reads its settings once): the child migrates a fresh database, times
`seed_demo --townships 30 --villages 12 --people N`, then times requests through
django.test.Client (server-side: URL routing, middleware, queries, template) as the county
admin (the whole county) and as a village director (one village), and counts the queries
of the people list at page sizes 20 and 100, which must be equal. PostgreSQL is
postgres://postgres@127.0.0.1:5432/bench_banbiantian (BENCH_PG_URL to change it); the
database is dropped and created again, and skipped with a message if the server is down.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

import common
from common import ROOT, count_queries, fmt_ms

DOC = ROOT / "docs" / "benchmarks.md"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_banbiantian")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

# Median targets in milliseconds, by kind of page; the build target in seconds.
TARGETS = {"search": 100, "list": 150, "dashboard": 300}
BUILD_TARGET = 180


# --- the parent: one child per database, then the report --------------------------------

def report(results: list[dict], info: dict, people: int, skipped: dict) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        f"Run on {today}: {info.get('nproc')} CPUs ({info.get('cpu') or 'unknown CPU'}), "
        f"{info.get('ram_gb', '?')} GB RAM, {info.get('system')}, Python {info.get('python')}; "
        f"load average {info.get('load', '?')} when the run started.",
        "",
        f"Data: `seed_demo --townships 30 --villages 12 --people {people}` — "
        + (f"{results[0]['counts']['people']:,} people, {results[0]['counts']['households']:,} households, "
           f"{results[0]['counts']['units']} units, {results[0]['counts']['memberships']:,} group memberships."
           if results else "no database ran."),
        "",
    ]
    for db, reason in skipped.items():
        lines += [f"**{db}: skipped** — {reason}", ""]
    for r in results:
        build = r["build"]
        ok = "✓" if build["seconds"] < BUILD_TARGET else "✗"
        lines += [
            f"### {r['label']}",
            "",
            f"Build: **{build['seconds']:.0f} s** wall ({build['cpu_seconds']:.0f} s CPU in the Django process) "
            f"— target < {BUILD_TARGET} s {ok}",
            "",
            "| request | as | median ms | p95 ms | CPU ms | queries | rows found | target (median) |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for m in r["requests"]:
            target = TARGETS[m["kind"]]
            ok = "✓" if m["median_ms"] < target else "✗"
            rows = f"{m['rows']:,}" if m["rows"] is not None else "—"
            lines.append(f"| {m['label']} | {m['as']} | {fmt_ms(m['median_ms'])} | {fmt_ms(m['p95_ms'])} | "
                         f"{fmt_ms(m['cpu_ms'])} | {m['queries']} | {rows} | < {target} ms {ok} |")
        pages = r["page_queries"]
        same = "equal ✓" if len(set(pages.values())) == 1 else "NOT equal ✗"
        lines += ["", "Queries for one page of the people list (county admin, whole request): "
                  + ", ".join(f"page size {size}: {n}" for size, n in pages.items()) + f" — {same}.", ""]
    return "\n".join(lines)


def skip_postgres(skipped: dict):
    def skip(reason):
        print(f"== PostgreSQL 无法连接，跳过：{reason}", flush=True)
        skipped["PostgreSQL"] = f"not reachable at {PG_URL} ({reason})"
    return skip


def parent(args) -> int:
    info = common.machine_info()
    results, skipped = [], {}
    dbs = ["sqlite", "postgresql"] if args.db == "all" else [args.db]
    for db, url, tmp in common.each_database(dbs, prefix="bench-banbiantian-", pg_url=PG_URL,
                                             skipped=skip_postgres(skipped)):
        print(f"== SQLite（临时文件 {tmp}/bench.sqlite3）" if db == "sqlite" else f"== PostgreSQL（{PG_URL}）",
              flush=True)
        # The test client's host is "testserver"; the test environment (which would allow it) is not
        # set up because it instruments every template render and would inflate the timings.
        result = common.run_child(__file__, ["--child", db, "--people", args.people, "--repeat", args.repeat,
                                             *(["--explain"] if args.explain else [])],
                                  url, env={"DJANGO_ALLOWED_HOSTS": "testserver"}, label=db)
        if result is None:
            return 1
        results.append(result)
    text = report(results, info, args.people, skipped)
    print()
    print(text)
    if args.write:
        common.write_block(DOC, text, START, END, "## Figures")
    failed = [r for r in results if len(set(r["page_queries"].values())) != 1]
    return 1 if failed else 0


# --- the child: one database ------------------------------------------------------------

def child(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from banbiantian.core.models import OrgUnit, User
    from banbiantian.people import views as people_views
    from banbiantian.people.models import GroupMembership, Household, Person
    from banbiantian.people.selectors import person_list

    vendor = connection.vendor
    label = common.db_label(connection)

    call_command("migrate", verbosity=0)
    print(f"[{label}] 生成 {args.people:,} 人的演示县 …", flush=True)
    wall, cpu = time.perf_counter(), time.process_time()
    common.seed(args.people, quiet=True, migrate=False)
    build = {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}
    print(f"[{label}] 生成用时 {build['seconds']:.1f} 秒", flush=True)
    # Planner statistics (and on PostgreSQL the visibility map), as autovacuum would leave them
    # on a production server a minute after the load; on SQLite as `PRAGMA optimize` would.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE")

    counts = {"people": Person.objects.count(), "households": Household.objects.count(),
              "units": OrgUnit.objects.count(), "memberships": GroupMembership.objects.count()}
    admin = User.objects.get(username="county_admin")
    director = User.objects.get(username="t01_v01")
    clients = {}
    for user in (admin, director):
        client = Client(raise_request_exception=True)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients[user.username] = client

    def sample_id_number(user) -> str:
        qs = Person.objects.filter(unit__path__startswith=user.unit.path).exclude(id_number=None)
        return qs.order_by("id")[qs.count() // 2].id_number

    list_url, dashboard_url = reverse("people:home"), reverse("dashboard")
    cases = [  # (label, kind, url, params or a function of the user)
        ("search: ID number", "search", list_url, lambda u: {"q": sample_id_number(u)}),
        ("search: name 王秀英", "search", list_url, lambda u: {"q": "王秀英"}),
        ("search: partial name 秀英", "search", list_url, lambda u: {"q": "秀英"}),
        ("search: partial name 王秀", "search", list_url, lambda u: {"q": "王秀"}),
        ("search: initials wxy", "search", list_url, lambda u: {"q": "wxy"}),
        ("people list, first page", "list", list_url, lambda u: {}),
        ("dashboard", "dashboard", dashboard_url, lambda u: {}),
    ]
    requests = []
    for user, as_label in ((admin, "county admin"), (director, "village director")):
        client = clients[user.username]
        for case_label, kind, url, params_of in cases:
            params = params_of(user)
            for _warm in range(2):
                assert client.get(url, params).status_code == 200, (case_label, as_label)
            with count_queries(connection) as counter:
                client.get(url, params)
            rows = person_list(user=user, q=params.get("q", "")).count() if url == list_url else None
            times, cpu = [], []
            for _i in range(args.repeat):
                t, c = time.perf_counter(), time.thread_time()
                client.get(url, params)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.thread_time() - c) * 1000)
            p95_ms = common.p95(times)
            requests.append({"label": case_label, "kind": kind, "as": as_label, "median_ms": statistics.median(times),
                             "p95_ms": p95_ms, "cpu_ms": statistics.median(cpu), "queries": counter.n, "rows": rows})
            print(f"[{label}] {case_label:28} {as_label:16} median {statistics.median(times):7.1f} ms  "
                  f"p95 {p95_ms:7.1f} ms  CPU {statistics.median(cpu):6.1f} ms  {counter.n} queries", flush=True)

    page_queries = {}
    saved = people_views.PAGE_SIZE
    try:
        for size in (20, 100):
            people_views.PAGE_SIZE = size
            with count_queries(connection) as counter:
                body = clients[admin.username].get(list_url, {"page": "2"}).content.decode()
            assert body.count('<a href="/people/') >= size, f"page size {size}: fewer rows shown"
            page_queries[str(size)] = counter.n
    finally:
        people_views.PAGE_SIZE = saved
    assert len(set(page_queries.values())) == 1, f"page size changes the query count: {page_queries}"

    if args.explain:
        explain(connection, admin, director)

    Path(args.out).write_text(json.dumps({
        "label": label, "vendor": vendor, "build": build, "counts": counts, "requests": requests,
        "page_queries": page_queries,
    }, ensure_ascii=False))
    return 0


def explain(connection, admin, director) -> None:
    """The query plans behind the list page (its count and its first page), per search and user."""
    from django.core.paginator import Paginator
    from django.test.utils import CaptureQueriesContext

    from banbiantian.people.models import Person
    from banbiantian.people.selectors import person_list

    number = Person.objects.filter(unit=director.unit).exclude(id_number=None).values_list("id_number", flat=True)[0]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    for user in (admin, director):
        for q in ("", "王秀英", "秀英", "wxy", number):
            with CaptureQueriesContext(connection) as ctx:
                list(Paginator(person_list(user=user, q=q), 20).page(1).object_list)  # COUNT(*), then the rows
            for query in ctx.captured_queries:
                print(f"\n--- {connection.vendor} · {user.username} · q={q!r}\n{query['sql'][:400]}")
                with connection.cursor() as cursor:
                    cursor.execute(prefix + query["sql"])
                    for row in cursor.fetchall():
                        print("   ", " ".join(str(c) for c in row))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=300_000, help="人员数（默认 300000）")
    parser.add_argument("--repeat", type=int, default=30, help="每个请求计时的次数（默认 30）")
    parser.add_argument("--db", choices=["all", "sqlite", "postgresql"], default="all")
    parser.add_argument("--write", action="store_true", help="把结果写入 docs/benchmarks.md")
    parser.add_argument("--explain", action="store_true", help="打印主要查询的执行计划")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.people < 0 or args.repeat < 1:
        parser.error("--people 不能为负数，--repeat 至少为 1")
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
