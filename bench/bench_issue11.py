"""Benchmark of the pages issue 11 added or changed, on a county-sized database.

    .venv/bin/python bench/bench_issue11.py                        # SQLite and PostgreSQL, 300,000 people
    .venv/bin/python bench/bench_issue11.py --sqlite --people 30000  # a quick run

For each database a child process migrates a fresh database, runs `seed_demo --townships 30
--villages 12 --people N` (every area's demo records, the statistical forms' reports in every
state) and adds the care and rights volumes of their own benchmarks (common.area_records). Then,
through django.test.Client (routing, middleware, queries, template), as medians of repeated runs:

  dashboard with 待办   the home page, now with every area's to-do list, as the county admin, a
                        township chair and a village director
  search by ID tail     the people list searched by the last four characters of an ID number
                        (尾号), as the county admin and a village director
  待审核的帮扶申请       the care applications page the dashboard tile opens (county admin)
  报送情况              the statistical forms' status page with its overdue list (county admin)
  duplicates            a 疑似重复 person's page of candidates (township chair)

Each page is also given as a ratio to ONE hand-written SQL statement timed in the same run for the
page's answer (the count it shows: the people matched, the applications waiting, the reports of the
period, the candidates), and that statement's answer is checked against the page's.
PostgreSQL: postgres://postgres@127.0.0.1:5432/bench_issue11 (BENCH_PG_URL to change it).
"""

import datetime
import os
import statistics
import time

import common

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_issue11")
REPEAT = 15


def _scalar(sql: str, params: list):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def child(args) -> dict:
    common.setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from banbiantian.care.selectors import waiting_applications
    from banbiantian.core.dashboard import todo
    from banbiantian.core.models import User
    from banbiantian.people.models import Person
    from banbiantian.people.selectors import duplicate_candidates, person_list
    from banbiantian.statforms.models import Report

    setup_test_environment()
    load_start = common.load()
    t = time.perf_counter()
    common.seed(args.people, quiet=True)
    seed_s = round(time.perf_counter() - t, 1)
    today = timezone.localdate()
    common.area_records(args.people, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")

    admin = User.objects.get(username="county_admin")
    chair = User.objects.get(username="t01_chair")
    director = User.objects.get(username="t01_v01")
    clients = {u.username: common.logged_in(u) for u in (admin, chair, director)}
    def path_of(user):
        return user.unit.path + "%"

    rows = []

    def measure(label, user, url, params, hand_sql, hand_params, page_answer):
        client = clients[user.username]

        def get():
            response = client.get(url, params)
            assert response.status_code == 200, (label, response.status_code)

        page_ms = common.median_ms(get, REPEAT)
        _scalar(hand_sql, hand_params)  # warm
        hand_ms = round(statistics.median(common.times_ms(lambda: _scalar(hand_sql, hand_params), REPEAT)), 3)
        hand = _scalar(hand_sql, hand_params)
        assert hand == page_answer, f"{label}: hand SQL {hand} ≠ page {page_answer}"
        with common.count_queries(connection) as counter:
            get()
        rows.append({"label": label, "as": user.username, "page_ms": page_ms, "hand_ms": hand_ms,
                     "ratio": round(page_ms / hand_ms, 1) if hand_ms else None, "queries": counter.n,
                     "answer": hand})
        print(f"[{common.db_label(connection)}] {label:24} {user.username:13} {page_ms:8.1f} ms  "
              f"hand SQL {hand_ms:7.3f} ms  ×{rows[-1]['ratio']}  {counter.n} queries  (answer {hand})", flush=True)

    people_in = "SELECT COUNT(*) FROM people_person p JOIN core_orgunit u ON u.id = p.unit_id WHERE u.path LIKE %s"
    for user in (admin, chair, director):
        items = todo(user)
        measure(f"dashboard with 待办 ({len(items)} items)", user, reverse("dashboard"), {}, people_in,
                [path_of(user)], Person.objects.filter(unit__path__startswith=user.unit.path).count())

    for user in (admin, director):
        numbers = (Person.objects.filter(unit__path__startswith=user.unit.path).exclude(id_number=None)
                   .exclude(id_number__endswith="X").order_by("id").values_list("id_number", flat=True))
        tail = numbers[numbers.count() // 2][-4:]
        sql = people_in + " AND (p.id_number LIKE %s OR p.phone LIKE %s)"
        measure("search by ID tail", user, reverse("people:home"), {"q": tail}, sql,
                [path_of(user), "%" + tail, "%" + tail], person_list(user=user, q=tail).count())

    measure("待审核的帮扶申请", admin, reverse("care:applications"), {},
            "SELECT COUNT(*) FROM care_enrolment e JOIN people_person p ON p.id = e.person_id "
            "JOIN core_orgunit u ON u.id = p.unit_id WHERE e.status IN ('applied', 'reviewing') AND u.path LIKE %s",
            [path_of(admin)], waiting_applications(user=admin).count())

    measure("报送情况 (overdue list)", admin, reverse("statforms:status"), {},
            "SELECT COUNT(*) FROM statforms_report r JOIN core_orgunit u ON u.id = r.unit_id WHERE u.path LIKE %s",
            [path_of(admin)],
            Report.objects.filter(unit__path__startswith=admin.unit.path).count())

    # A 疑似重复 pair in the chair's first village: the page of candidates.
    village = director.unit
    first = Person.objects.filter(unit=village).exclude(birth_date=None).order_by("id").first()
    twin = Person.objects.create(unit=village, name=first.name, birth_date=first.birth_date, sex=first.sex,
                                 name_pinyin=first.name_pinyin, name_initials=first.name_initials,
                                 possible_duplicate=True)
    measure("疑似重复 candidates", chair, reverse("people:duplicates", args=[twin.pk]), {},
            "SELECT COUNT(*) FROM people_person WHERE unit_id = %s AND name = %s AND id <> %s "
            "AND (birth_date = %s OR (phone <> '' AND phone = %s))",
            [village.pk, twin.name, twin.pk, twin.birth_date, twin.phone],
            duplicate_candidates(user=chair, person=twin).count())

    return {"db": common.db_label(connection), "people": Person.objects.count(), "seed_s": seed_s,
            "load_start": load_start, "load_end": common.load(), "rows": rows,
            "date": datetime.date.today().isoformat()}


def show(db, figures, args) -> None:
    print(f"\n{figures['db']}: {figures['people']:,} people, seed_demo {figures['seed_s']} s, "
          f"load {figures['load_start']} → {figures['load_end']}")
    print("| Page | As | Median | Hand SQL | Ratio | Queries | Answer |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in figures["rows"]:
        print(f"| {r['label']} | {r['as']} | {common.fmt_ms(r['page_ms'])} ms | {r['hand_ms']:.3f} ms | "
              f"×{r['ratio']} | {r['queries']} | {r['answer']:,} |")


if __name__ == "__main__":
    common.main(child, __file__, "bench_issue11", PG_URL, show)
