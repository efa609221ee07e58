"""The demo county's care records: every kind present, consistent with the services' rules."""

import datetime
import random
import time

from banbiantian.care import demo
from banbiantian.care.metrics import DIRECT
from banbiantian.care.models import (
    Benefit,
    CensusChild,
    Fund,
    InsurancePolicy,
    Pairing,
    ReliefApplication,
    ScreeningResult,
    SpringBudAid,
)
from banbiantian.care.services import fund_balance
from banbiantian.core.metrics import Period, compute
from banbiantian.core.models import Level, OrgUnit


def test_demo_seeds_every_kind_of_care_record(db):
    from banbiantian.demo import county as core_demo

    today = datetime.date(2026, 11, 20)
    started = time.monotonic()
    core_demo.build(townships=2, villages=3, people=600, seed=7, today=today)
    county = OrgUnit.objects.get(level=Level.COUNTY)
    assert Benefit.objects.exists() and ScreeningResult.objects.exists() and SpringBudAid.objects.exists()
    assert CensusChild.objects.filter(round__year=2025).exists() and CensusChild.objects.filter(round__year=2026).exists()
    assert InsurancePolicy.objects.exists() and ReliefApplication.objects.exists() or not ScreeningResult.objects.filter(
        result="confirmed").exists()
    overdue = Pairing.objects.filter(end_date__isnull=True, last_contact_on__lt=today - datetime.timedelta(days=90))
    assert overdue.exists() and Pairing.objects.count() > overdue.count()
    assert all(fund_balance(fund=f) >= 0 for f in Fund.objects.all())  # donations cover what was paid out
    # The running totals were rebuilt: the statistics agree with the records.
    units = [county, *OrgUnit.objects.filter(level=Level.TOWNSHIP)]
    period = Period("year", 2026)
    got = compute(list(DIRECT), units, period)
    for key, direct in DIRECT.items():
        assert {u.pk: got[key][u.pk] for u in units} == {u.pk: direct(units, period).get(u.pk, 0) for u in units}, key
    assert time.monotonic() - started < 60


def test_seed_without_townships_does_nothing(tree):
    OrgUnit.objects.filter(level=Level.TOWNSHIP).update(level=Level.VILLAGE)
    assert demo.seed(tree.county, rng=random.Random(1), today=datetime.date(2026, 5, 1), log=print) == ""
