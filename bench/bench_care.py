"""Benchmark of the care pages (关爱帮扶) on a county-sized database.

    .venv/bin/python bench/bench_care.py                          # SQLite and PostgreSQL, full scale
    .venv/bin/python bench/bench_care.py --sqlite --people 30000  # a quick run (care rows scale with people)
    .venv/bin/python bench/bench_care.py --postgres --scale 0.5

For each database a child process migrates a fresh database, runs `seed_demo --townships 30
--villages 12 --people N`, then adds care records with bulk_create in the issue's proportions
(at N = 300,000 and --scale 1: 80,000 screening results, 200,000 benefits, 20,000 pairings with
a visit each, 50,000 enrolments of which half in one county programme). It then measures
server-side medians through django.test.Client:

  person     a woman's "all help received" page (/care/people/<id>/) as the county admin
  programme  the big programme's beneficiary list, first page and page 500
  stats      the county's care statistics for the year; a township's for a quarter (no cache)
  round      holiday_round_record for 2,000 recipients of one township (one run, target < 10 s)

Targets: each page < 200 ms median on both databases. PostgreSQL:
postgres://postgres@127.0.0.1:5432/bench_care (BENCH_PG_URL to change it).
"""

import argparse
import datetime
import json
import os
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path

import common

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_care")
PAGE_TARGET_MS = 200
ROUND_TARGET_S = 10
REPEAT = 15


# --- the child: build, then measure ------------------------------------------------------------

def build_care(people: int, scale: float, year: int) -> dict:
    from banbiantian.care.models import (
        Benefit,
        Enrolment,
        Kind,
        Pairing,
        Programme,
        Result,
        ScreeningCampaign,
        ScreeningResult,
        Visit,
    )
    from banbiantian.core.models import Level, OrgUnit

    rng = random.Random(4)
    factor = scale * people / 300_000
    n_screening, n_benefits = int(80_000 * factor), int(200_000 * factor)
    n_pairings, n_enrolments = int(20_000 * factor), int(50_000 * factor)

    county = OrgUnit.objects.get(level=Level.COUNTY)
    townships = list(OrgUnit.objects.filter(level=Level.TOWNSHIP))
    unit_township = {}
    for township in townships:
        for unit_id in OrgUnit.objects.filter(path__startswith=township.path).values_list("id", flat=True):
            unit_township[unit_id] = township.pk
    from banbiantian.people.models import Person

    women = list(Person.objects.filter(sex="F").values_list("id", "unit_id"))
    everyone = list(Person.objects.values_list("id", "unit_id"))
    by_unit: dict[int, list[int]] = {}
    for pid, unit_id in everyone:
        by_unit.setdefault(unit_id, []).append(pid)

    big = Programme.objects.create(unit=county, name=f"{year}年春节慰问", kind=Kind.HOLIDAY, year=year,
                                   fund_source="县妇联")
    county_programmes = [big] + [Programme.objects.create(unit=county, name=f"{year}年{k.label}", kind=k, year=year,
                                                          fund_source="县财政")
                                 for k in (Kind.SCREENING, Kind.RELIEF, Kind.SPRING_BUD, Kind.PAIRING)]
    township_programmes = {}
    for t in townships:
        township_programmes[t.pk] = [Programme.objects.create(unit=t, name=f"{t.name}{year}年{k.label}", kind=k,
                                                              year=year, fund_source="乡镇")
                                     for k in (Kind.HOLIDAY, Kind.OTHER)]

    def programmes_for(unit_id):
        return county_programmes + township_programmes[unit_township[unit_id]]

    started = time.monotonic()
    # Enrolments: half in the big county programme, the rest spread; unique per (programme, person).
    seen, rows = set(), []
    statuses = ["applied", "reviewing", "approved", "approved", "approved", "rejected", "ended"]
    while len(rows) < n_enrolments:
        pid, unit_id = rng.choice(women)
        programme = big if len(rows) % 2 == 0 else rng.choice(programmes_for(unit_id))
        if (programme.pk, pid) in seen:
            continue
        seen.add((programme.pk, pid))
        rows.append(Enrolment(programme=programme, person_id=pid, status=rng.choice(statuses),
                              applied_on=datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(300))))
    Enrolment.objects.bulk_create(rows, batch_size=5000)

    def day():
        return datetime.date(year - rng.randrange(2), 1, 1) + datetime.timedelta(days=rng.randrange(320))

    rows = []
    for i in range(n_benefits):
        pid, unit_id = rng.choice(women)
        cash = Decimal(rng.choice([100, 200, 300, 500, 1000])) if i % 3 else None
        rows.append(Benefit(programme=rng.choice(programmes_for(unit_id)), person_id=pid, given_on=day(), cash=cash,
                            goods="" if cash else "米油", goods_value=None if cash else Decimal("150.00"),
                            fund_source=rng.choice(["县妇联", "县财政", "爱心企业", "乡镇"]), delivered_by="妇联"))
    Benefit.objects.bulk_create(rows, batch_size=5000)

    rows = []
    for _ in range(n_pairings):
        pid, unit_id = rng.choice(women)
        helper = rng.choice(by_unit[unit_id])
        if helper == pid:
            continue
        start = datetime.date(year - 1, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        rows.append(Pairing(helper_id=helper, beneficiary_id=pid, helper_kind="caring_mother", start_date=start,
                            last_contact_on=start + datetime.timedelta(days=rng.randrange(300))))
    Pairing.objects.bulk_create(rows, batch_size=5000)
    pairings = list(Pairing.objects.values_list("id", "last_contact_on"))
    Visit.objects.bulk_create([Visit(pairing_id=pk, date=d, kind="home", done="入户走访") for pk, d in pairings],
                              batch_size=5000)

    campaigns = {(t.pk, y): ScreeningCampaign.objects.create(unit=t, name=f"{t.name}{y}年两癌筛查",
                                                            date=datetime.date(y, 4, 1), institution="县妇幼保健院")
                 for t in townships for y in (year - 1, year)}
    seen, rows = set(), []
    outcomes = [Result.NORMAL] * 90 + [Result.REVIEW] * 7 + [Result.SUSPECTED] * 2 + [Result.CONFIRMED]
    while len(rows) < n_screening:
        pid, unit_id = rng.choice(women)
        campaign = campaigns[(unit_township[unit_id], rng.choice((year - 1, year)))]
        if (campaign.pk, pid) in seen:
            continue
        seen.add((campaign.pk, pid))
        result = rng.choice(outcomes)
        rows.append(ScreeningResult(campaign=campaign, person_id=pid, result=result,
                                    diagnosis="breast_invasive" if result == Result.CONFIRMED else ""))
    ScreeningResult.objects.bulk_create(rows, batch_size=5000)
    from banbiantian.care import tally

    built = round(time.monotonic() - started, 1)
    started = time.monotonic()
    tally_rows = tally.rebuild()  # bulk_create bypasses the services that keep the running totals
    return {"care_build_s": built, "tally_s": round(time.monotonic() - started, 1), "tally_rows": tally_rows, "screening": n_screening, "benefits": n_benefits,
            "pairings": len(pairings), "enrolments": n_enrolments, "big_programme": big.pk}


def _median_ms(client, urls: list[str]) -> float:
    for url in urls[:2]:  # warm the caches
        common.page(client, url)()
    times = [common.times_ms(common.page(client, urls[i % len(urls)]), 1)[0] for i in range(REPEAT)]
    return round(statistics.median(times), 1)


def child(args) -> dict:
    from django.db import connection
    from django.test.utils import setup_test_environment

    from banbiantian.care import services
    from banbiantian.care.models import Benefit
    from banbiantian.core.models import Level, OrgUnit, User
    from banbiantian.people.models import Person

    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    year = datetime.date.today().year
    started = time.monotonic()
    common.seed(args.people)
    out = {"seed_s": round(time.monotonic() - started, 1), "db": connection.vendor}
    out.update(build_care(args.people, args.scale, year))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    admin = User.objects.get(username="county_admin")
    client = common.logged_in(admin)
    # The women with the most help: the heaviest person pages.
    heavy = list(Benefit.objects.values_list("person_id", flat=True).order_by("person_id")[:20000])
    counts: dict[int, int] = {}
    for pid in heavy:
        counts[pid] = counts.get(pid, 0) + 1
    people = sorted(counts, key=counts.get, reverse=True)[:10]
    out["person_ms"] = _median_ms(client, [f"/care/people/{pid}/" for pid in people])
    big = out["big_programme"]
    out["programme_ms"] = _median_ms(client, [f"/care/programmes/{big}/"])
    out["programme_p500_ms"] = _median_ms(client, [f"/care/programmes/{big}/?page=500"])
    # No cache: every request aggregates (from the running totals the services keep).
    out["stats_ms"] = _median_ms(client, [f"/care/stats/?year={year}"])
    township = OrgUnit.objects.filter(level=Level.TOWNSHIP).order_by("code").first()
    out["stats_quarter_ms"] = _median_ms(client, [f"/care/stats/?unit={township.pk}&year={year}&kind=quarter&number=1"])
    out["benefits_list_ms"] = _median_ms(client, ["/care/benefits/"])
    out["overdue_ms"] = _median_ms(client, ["/care/pairings/?overdue=1"])

    chair = User.objects.get(unit=township, role="township_chair")
    from banbiantian.care.models import Programme

    programme = Programme.objects.get(pk=big)
    recipients = Person.objects.filter(unit__path__startswith=township.path).select_related("unit").order_by("id")
    n = min(2000, recipients.count())
    t0 = time.perf_counter()
    services.holiday_round_record(by=chair, unit=township, programme=programme, name=f"{year}春节慰问(基准)",
                                  date=datetime.date.today(), people=recipients[:n], cash="200.00", goods="米油",
                                  goods_value="150", delivered_by="乡镇妇联")
    out["round_s"] = round(time.perf_counter() - t0, 2)
    out["round_n"] = n
    return out


# --- the parent -------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--scale", type=float, default=1.0, help="care rows relative to the issue's proportions")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--keep", help="SQLite: build in this file and keep it (for profiling)")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        common.setup_django()
        Path(args.out).write_text(json.dumps(child(args)))
        return
    print(f"Machine: {common.machine()}")
    for db, url, _tmp in common.each_database(common.chosen(args), prefix="bench_care_", pg_url=PG_URL):
        if db == "sqlite" and args.keep:
            url = f"sqlite:///{args.keep}"
            Path(args.keep).unlink(missing_ok=True)
        r = common.run_child(__file__, ["--child", "--people", args.people, "--scale", args.scale], url)
        if r is None:
            raise SystemExit(f"[{db}] failed")
        print(f"[{db}] seed_demo {args.people} people in {r['seed_s']} s; care rows in {r['care_build_s']} s: "
              f"{r['screening']} screening results, {r['benefits']} benefits, {r['pairings']} pairings "
              f"(+1 visit each), {r['enrolments']} enrolments")
        for key, label in (("person_ms", "person's help page"), ("programme_ms", "programme beneficiaries p1"),
                           ("programme_p500_ms", "programme beneficiaries p500"),
                           ("stats_ms", "county statistics, year"),
                           ("stats_quarter_ms", "township statistics, quarter"), ("benefits_list_ms", "benefit list"),
                           ("overdue_ms", "overdue pairings")):
            ok = "OK" if r[key] < PAGE_TARGET_MS else "MISSED"
            print(f"[{db}] {label:32s} {r[key]:8.1f} ms median  (target < {PAGE_TARGET_MS} ms: {ok})")
        print(f"[{db}] running totals rebuilt: {r['tally_rows']} rows in {r['tally_s']} s")
        ok = "OK" if r["round_s"] < ROUND_TARGET_S else "MISSED"
        print(f"[{db}] holiday round, {r['round_n']} recipients  {r['round_s']:6.2f} s  "
              f"(target < {ROUND_TARGET_S} s: {ok})")


if __name__ == "__main__":
    main()
