"""The demo's rights records: every stage present, and each record as the services would have left it."""

import datetime
import random

import pytest
from django.db.models import Count, F, Max
from django.urls import reverse
from django.utils import timezone

from banbiantian.core.models import Level, OrgUnit, User
from banbiantian.demo import county as core_demo
from banbiantian.rights import demo
from banbiantian.rights.models import (
    Case,
    CaseCounter,
    DisputeScreening,
    ExtensionRequest,
    MediationSession,
    Referral,
    RiskLevel,
    Status,
    Visit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    core_demo.build(townships=2, villages=3, people=600, seed=5)
    county = OrgUnit.objects.get(level=Level.COUNTY)
    demo.build_cases(county, 600, rng=random.Random(3), today=timezone.localdate(), years=5)
    return county


def test_every_stage_and_kind_of_record_is_there(county):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Status.REGISTERED, Status.REJECTED, Status.ACCEPTED, Status.CLOSED, Status.VISITED} <= statuses
    assert set(Case.objects.filter(is_dv=True).values_list("risk_level", flat=True)) == set(RiskLevel.values)
    assert MediationSession.objects.filter(agreement_reached=True).exists()
    assert Referral.objects.filter(replied_on__isnull=False).exists()
    assert Visit.objects.filter(case__warning_served_on__isnull=False).exists()
    assert ExtensionRequest.objects.filter(decision="approved").exists()
    assert Case.objects.filter(is_repeat=True, repeat_of__isnull=False).exists()
    assert Case.objects.filter(order_granted_on__isnull=False).exists()
    villages = OrgUnit.objects.filter(level=Level.VILLAGE).count()
    reporting = DisputeScreening.objects.values("unit").distinct().count()
    assert reporting >= villages * 0.8  # most villages report their monthly screening
    assert Case.objects.filter(due_on__lt=timezone.localdate()).exists()  # some overdue, as in life


def test_records_are_as_the_services_would_leave_them(county):
    today = timezone.localdate()
    for case in Case.objects.all():
        assert case.due_on == case.current_due(), case.number
        assert case.received_on <= today
        if case.accepted_on:
            assert case.received_on <= case.accepted_on <= today
        if case.closed_on:
            assert case.accepted_on <= case.closed_on <= today
        if case.return_visit_on:
            assert case.closed_on <= case.return_visit_on <= today
        if case.repeat_of_id:
            assert case.repeat_of.petitioner_id == case.petitioner_id
            assert case.repeat_of.received_on <= case.received_on
        if case.order_expires_on:
            assert case.order_expires_on <= case.order_granted_on + datetime.timedelta(days=186)
    # High- and danger-risk cases are closed only after a visit.
    risky_closed = Case.objects.filter(risk_level__in=["high", "danger"], closed_on__isnull=False)
    assert all(c.visits.filter(done_on__isnull=False).exists() or c.return_visit_on for c in risky_closed)
    # The counters continue the numbers: the next registration does not collide.
    last = {(r["unit"], r["year"]): r["m"] for r in Case.objects.values("unit", "year").annotate(m=Max("seq"))}
    assert {(c.unit_id, c.year): c.last for c in CaseCounter.objects.all()} == last
    assert not Case.objects.values("unit", "year", "seq").annotate(n=Count("id")).filter(n__gt=1).exists()
    # A proposer never approved her own close: the approval is by someone else.
    assert not Case.objects.filter(events__kind="审批办结", events__actor=F("close_proposed_by")).exists()


def test_the_pages_work_on_the_demo(county, login):
    chair = User.objects.get(username="t01_chair")
    officer = User.objects.get(username="county_rights")
    for user in (chair, officer):
        client = login(user)
        for name in ("rights:home", "rights:due", "rights:repeats", "rights:stats", "rights:screening"):
            assert client.get(reverse(name)).status_code == 200, name
    case = Case.objects.filter(unit=chair.unit, status=Status.VISITED).first()
    assert login(chair).get(reverse("rights:detail", args=[case.pk])).status_code == 200


def test_seed_scales_with_people(db):
    core_demo.build(townships=2, villages=2, people=400, seed=9)
    assert Case.objects.count() >= 40 and DisputeScreening.objects.exists()
