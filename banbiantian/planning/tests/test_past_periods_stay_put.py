"""A finished period's figures stay put: on the demo county, every metric that says it counts the
period's events or what stood in it (FLOW, STOCK — all but the few whose label says 至今) gives the
same value for last year, its last quarter and its last month, for every unit, after records of
every kind the demo seeder makes are added dated this year — new records, and this year's steps on
last year's records (a case accepted last year closed today, an application approved today, a
pairing and a group membership ended today, a protection order applied for today). The figures that
say 至今 are the ones such steps still move (a follow-up, a new risk assessment), and they do.

A kind of record the seeder starts making without a this-year record here fails the test, so a
new area's metrics are held to the same rule."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from banbiantian.care import models as care
from banbiantian.conftest import make_person
from banbiantian.core import metrics
from banbiantian.core.metrics import Period
from banbiantian.core.models import OrgUnit
from banbiantian.people.models import GroupMembership, Household, SpecialGroup
from banbiantian.rights import models as rights

pytestmark = pytest.mark.django_db
SMALL = ["--townships", "2", "--villages", "3", "--people", "400"]
AREAS = ("people", "rights", "care")
# Reference data and derived rows, not records of work.
NOT_RECORDS = {SpecialGroup, rights.CaseCategory, rights.Holiday, rights.CaseCounter, rights.RightsPolicy,
               care.Tally}


def _this_year(obj, today, now):
    """Every date of the record moved to today (a birth date stays: it is not when the work was done)."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if value is None or field.name == "birth_date" or field.primary_key:
            continue
        if isinstance(field, models.DateTimeField):
            setattr(obj, field.attname, now)
        elif isinstance(field, models.DateField):
            setattr(obj, field.attname, today)
        elif field.name == "year":
            setattr(obj, field.attname, today.year)


def _clone(obj, today, now, **changes):
    """A copy of a seeded record, dated this year."""
    copy = type(obj).objects.get(pk=obj.pk)
    copy.pk = None
    copy._state.adding = True
    _this_year(copy, today, now)
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def _counts() -> dict:
    return {m: m.objects.count() for label in AREAS for m in apps.get_app_config(label).get_models()
            if m not in NOT_RECORDS}


def _add_this_years_records(county, today, now):
    """One record dated this year of every kind the seeder makes, and this year's steps on last year's."""
    last = today.year - 1
    village = OrgUnit.objects.filter(path__startswith=county.path, level="village", active_to__isnull=True).first()
    woman = make_person(village, "新登记")  # registered now
    girl = make_person(village, "新女童", birth=datetime.date(today.year - 9, 3, 1))
    _clone(Household.objects.first(), today, now)
    group = SpecialGroup.objects.get(code="left_behind_women")
    GroupMembership.objects.create(person=woman, group=group, start_date=today)
    GroupMembership.objects.filter(end_date__isnull=True, start_date__year__lt=today.year).update(end_date=today)

    # Rights: a new case and everything that happens on cases, dated today.
    case = rights.Case.objects.filter(received_on__year=last).order_by("pk").first()
    seq = rights.Case.objects.filter(year=today.year).aggregate(m=models.Max("seq"))["m"] or 0
    new_case = _clone(case, today, now, seq=seq + 100, number=f"{case.number}-本年", is_dv=True, risk_level="high",
                      status=rights.Status.CLOSED, satisfied=True)
    for model in (rights.CaseEvent, rights.ExtensionRequest, rights.Referral, rights.MediationSession, rights.Visit):
        _clone(model.objects.order_by("pk").first(), today, now, case=new_case)
    _clone(rights.MediationSession.objects.filter(case__received_on__year=last).first(), today, now)  # on an old case
    screened = rights.DisputeScreening.objects.filter(month=today.replace(day=1)).values("unit")
    unit = OrgUnit.objects.filter(level="village", path__startswith=county.path).exclude(pk__in=screened).first()
    _clone(rights.DisputeScreening.objects.first(), today, now, unit=unit, month=today.replace(day=1), found=4,
           resolved=3, escalated=1)
    open_last_year = rights.Case.objects.filter(accepted_on__year=last, closed_on__isnull=True)
    assert open_last_year.exists(), "the fixture makes a case accepted last year and still open"
    open_last_year.update(status=rights.Status.CLOSED, closed_on=today, satisfied=True)
    rights.Case.objects.filter(received_on__year=last, status=rights.Status.REGISTERED).update(
        status=rights.Status.ACCEPTED, accepted_on=today, close_due=today + datetime.timedelta(days=60))
    rights.Case.objects.filter(received_on__year=last, order_applied_at__isnull=True, order_granted_on__isnull=True,
                               warning_issued_on__isnull=True).update(warning_issued_on=today, order_applied_at=now,
                                                                     order_granted_on=today)

    # Care.
    programme = _clone(care.Programme.objects.first(), today, now, name="本年新项目")
    enrolment = care.Enrolment.objects.create(programme=programme, person=woman, applied_on=today,
                                              status=care.Status.APPROVED)
    care.EnrolmentStep.objects.create(enrolment=enrolment, to_status=care.Status.APPROVED)
    for old in care.Enrolment.objects.filter(applied_on__year__lt=today.year).order_by("pk")[:2]:
        care.EnrolmentStep.objects.create(enrolment=old, from_status=old.status, to_status=care.Status.APPROVED)
    pairing = _clone(care.Pairing.objects.first(), today, now, beneficiary=woman, end_date=None)
    care.Pairing.objects.filter(end_date__isnull=True, start_date__year__lt=today.year).exclude(pk=pairing.pk).update(
        end_date=today)
    _clone(care.Visit.objects.first(), today, now, pairing=pairing)
    _clone(care.Visit.objects.filter(pairing__start_date__year__lt=today.year).first(), today, now)
    fund = _clone(care.Fund.objects.first(), today, now, name="本年新善款")
    _clone(care.HolidayRound.objects.first(), today, now, name="本年慰问")
    benefit = _clone(care.Benefit.objects.first(), today, now, person=woman, programme=programme, fund=None)
    _clone(care.Benefit.objects.exclude(pk=benefit.pk).first(), today, now)  # another, to someone helped before
    _clone(care.FundEntry.objects.filter(direction="in").first(), today, now, fund=fund, benefit=None,
           spring_bud_aid=None, insurance_policy=None)
    _clone(care.FundEntry.objects.filter(direction="out").first(), today, now, benefit=None, spring_bud_aid=None,
           insurance_policy=None)
    campaign = _clone(care.ScreeningCampaign.objects.first(), today, now, name="本年筛查")
    people = care.ScreeningResult.objects.order_by("person").values_list("person", flat=True).distinct()[:5]
    for person in people:
        _clone(care.ScreeningResult.objects.filter(person=person).first(), today, now, campaign=campaign)
    _clone(care.Consent.objects.first(), today, now, person=woman)
    policy = _clone(care.ReliefPolicy.objects.first(), today, now, name="本年救助政策")
    confirmed = care.ScreeningResult.objects.create(campaign=campaign, person=woman, result=care.Result.CONFIRMED,
                                                    diagnosis="cervical_invasive")
    care.ReliefApplication.objects.create(result=confirmed, person=woman, policy=policy, year=today.year,
                                          category="低保对象", amount="10000", status=care.Status.APPROVED,
                                          decided_on=today)
    bud = _clone(care.SpringBudGirl.objects.first(), today, now, person=girl)
    _clone(care.SpringBudAid.objects.first(), today, now, girl=bud, term="本年秋季")
    _clone(care.SpringBudAid.objects.filter(girl__registered_on__year__lt=today.year).first(), today, now,
           term="本年春季")
    _clone(care.ChildrensHome.objects.first(), today, now, name="本年儿童之家")
    counted = care.CensusRound.objects.filter(year=today.year).values("unit")
    round_ = _clone(care.CensusRound.objects.first(), today, now,
                    unit=OrgUnit.objects.filter(path__startswith=county.path).exclude(pk__in=counted).first())
    _clone(care.CensusChild.objects.first(), today, now, round=round_, child=girl)
    policy_now = _clone(care.InsurancePolicy.objects.first(), today, now, person=woman)
    care.InsuranceClaim.objects.create(policy=policy_now, date=today, reason="住院", amount_paid="800.00")
    old_policy = care.InsurancePolicy.objects.exclude(pk=policy_now.pk).order_by("year").first()
    care.InsuranceClaim.objects.create(policy=old_policy, date=today, reason="住院", amount_paid="500.00")
    # The steps that only 至今 figures count: a follow-up of last year's abnormal screenings, a new risk
    # assessment of last year's family-violence cases.
    care.ScreeningResult.objects.filter(campaign__date__year=last).exclude(result=care.Result.NORMAL).update(
        follow_up="本年随访：已复查")
    rights.Case.objects.filter(received_on__year=last, is_dv=True).update(risk_level=rights.RiskLevel.DANGER)
    call_command("care_rebuild_totals", stdout=io.StringIO())  # the running totals, as after a bulk load


def test_last_years_figures_do_not_change_when_this_years_records_arrive():
    today, now = timezone.localdate(), timezone.now()
    call_command("seed_demo", *SMALL, stdout=io.StringIO())
    county = OrgUnit.objects.get(level="county")
    last = today.year - 1
    # A case accepted last year and still open, for this year's closing (the seeder may close all its own).
    case = rights.Case.objects.filter(accepted_on__year=last).first()
    seq = rights.Case.objects.filter(year=last).aggregate(m=models.Max("seq"))["m"]
    _clone(case, today, now, seq=seq + 100, number=f"{case.number}-未结", year=last, status=rights.Status.ACCEPTED,
           received_on=datetime.date(last, 11, 2), accepted_on=datetime.date(last, 11, 3),
           close_due=datetime.date(last + 1, 1, 2), reply_due=datetime.date(last, 11, 17), closed_on=None,
           replied_on=None, return_visit_on=None, return_visit_due=None, created_at=now.replace(year=last, month=11))
    call_command("care_rebuild_totals", stdout=io.StringIO())

    bounded = [m.key for m in metrics.all_metrics() if m.period_bounded]
    moving = [m.key for m in metrics.all_metrics() if not m.period_bounded]
    assert len(bounded) > 70 and moving
    units = list(OrgUnit.objects.filter(path__startswith=county.path))
    periods = [Period("year", last), Period("quarter", last, 4), Period("month", last, 12)]
    before = {p: metrics.compute(bounded, units, p) for p in periods}
    before_moving = metrics.compute(moving, [county], periods[0])
    this_year = Period("year", today.year)
    now_before = metrics.compute(bounded, [county], this_year)
    seeded = _counts()

    _add_this_years_records(county, today, now)

    added = _counts()
    kinds = {m for m, n in seeded.items() if n}
    assert not [m.__name__ for m in kinds if added[m] <= seeded[m]], "a kind of record without a this-year record"
    for period in periods:
        after = metrics.compute(bounded, units, period)
        changed = [(key, u.name, before[period][key][u.pk], after[key][u.pk]) for key in bounded for u in units
                   if after[key][u.pk] != before[period][key][u.pk]]
        assert not changed, (period.label, changed)
    # What the 至今 figures say they do: last year's moved.
    assert metrics.compute(moving, [county], periods[0]) != before_moving
    # The records were counted, in this year: the test is not vacuous.
    now_after = metrics.compute(bounded, [county], this_year)
    for key in ("people.persons", "people.women_new", "rights.cases_received", "rights.cases_accepted",
                "rights.cases_accepted_closed", "rights.cases_closed", "rights.mediation_sessions",
                "rights.protection_orders_applied", "rights.protection_orders_granted", "rights.screening_found",
                "care.people_reached", "care.benefits_given", "care.beneficiaries_approved", "care.pairing_visits",
                "care.screened", "care.relief_approved", "care.spring_bud_aid_amount", "care.insurance_claims_paid",
                "care.donations_in", "care.donations_out", "care.enrolments_applied", "care.insurance_policies"):
        assert now_after[key][county.pk] != now_before[key][county.pk], key
