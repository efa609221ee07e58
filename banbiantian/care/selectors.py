"""Reads of the care records; every list goes through one selector that takes the user."""

import datetime

from django.db.models import Count, DecimalField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from banbiantian.core.access import get_for_user, scope, scope_with_ancestors

from .models import (
    Benefit,
    CensusChild,
    CensusRound,
    ChildrensHome,
    Consent,
    Enrolment,
    EnrolmentStep,
    Fund,
    FundEntry,
    HolidayRound,
    InsuranceClaim,
    InsurancePolicy,
    Pairing,
    Programme,
    ReliefApplication,
    ReliefPolicy,
    ScreeningCampaign,
    ScreeningResult,
    SpringBudAid,
    SpringBudGirl,
    Status,
    Tally,
    Visit,
)

OVERDUE_DAYS = 90


# ---- programmes and enrolments ------------------------------------------------------------

def programme_list(*, user, kind: str = "", year: int | None = None, q: str = "") -> QuerySet:
    qs = scope_with_ancestors(Programme.objects.all(), user, "view_care").select_related("unit")
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("-year", "unit__path", "name", "id")


def _get_visible(queryset: QuerySet, user, pk, perm: str):
    """Fetch one programme/campaign: view_care sees the ancestors' too; any other perm only the subtree."""
    return get_for_user(queryset, user, pk, perm, with_ancestors=perm == "view_care")


def get_programme_for_user(user, pk, perm: str = "view_care") -> Programme:
    return _get_visible(Programme.objects.select_related("unit").prefetch_related("target_groups"), user, pk, perm)


def enrolment_list(*, user, programme: Programme | None = None, status: str = "", person=None) -> QuerySet:
    qs = scope(Enrolment.objects.all(), user, "view_care").select_related("person__unit", "programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    if person is not None:
        qs = qs.filter(person=person)
    if status:
        qs = qs.filter(status=status)
    # In order of application: an index walk that stops at the page, where sorting by name would
    # sort a county programme's 25,000 rows on every page.
    return qs.order_by("id")


def get_enrolment_for_user(user, pk, perm: str = "view_care") -> Enrolment:
    return get_for_user(Enrolment.objects.select_related("person__unit", "programme__unit"), user, pk, perm)


def enrolment_status_counts(*, user, programme: Programme) -> dict[str, int]:
    """{status: n} of the programme's enrolments in the user's scope, from the running totals of her
    unit (care/tally.py): one indexed read instead of counting a county programme's 25,000 rows."""
    from .tally import ALL, status_key

    if not user.has_perm_name("view_care"):
        return {}
    prefix = status_key(programme.pk, "")
    rows = Tally.objects.filter(unit=user.unit, period=ALL, key__startswith=prefix).values_list("key", "value")
    return {key.removeprefix(prefix): int(value) for key, value in rows if value}


# ---- what we have done for a person / a household ----------------------------------------

def help_for_people(*, user, people: list) -> dict:
    """Every kind of help given to these people (one person's page or a household), scoped.

    Six queries whatever the number of rows: enrolments with their steps, benefits, pairings
    (as beneficiary), visits of those pairings, relief applications.
    """
    ids = [p.pk for p in people]
    steps = Prefetch("steps", queryset=EnrolmentStep.objects.select_related("by"))
    enrolments = list(scope(Enrolment.objects.filter(person_id__in=ids), user, "view_care")
                      .select_related("programme__unit", "person").prefetch_related(steps)
                      .order_by("-applied_on", "-id"))
    benefits = list(scope(Benefit.objects.filter(person_id__in=ids), user, "view_care")
                    .select_related("programme", "person", "fund").order_by("-given_on", "-id"))
    pairings = list(scope(Pairing.objects.filter(beneficiary_id__in=ids), user, "view_care")
                    .select_related("helper", "helper_user", "beneficiary").order_by("-start_date", "-id")
                    .prefetch_related(Prefetch("visits", queryset=Visit.objects.filter(voided_at__isnull=True)
                                               .order_by("-date", "-id"))))
    relief = list(scope(ReliefApplication.objects.filter(person_id__in=ids), user, "view_care")
                  .select_related("person", "policy").order_by("-year"))
    cash = sum((b.cash or 0) for b in benefits)
    goods = sum((b.goods_value or 0) for b in benefits)
    return {"enrolments": enrolments, "benefits": benefits, "pairings": pairings, "relief": relief,
            "cash_total": cash, "goods_total": goods}


def screening_results_for(*, user, people: list) -> list:
    """Health data: empty unless the user holds view_health_data (the caller logs the view)."""
    return list(scope(ScreeningResult.objects.filter(person_id__in=[p.pk for p in people], voided_at__isnull=True),
                      user, "view_health_data")
                .select_related("campaign", "person").order_by("-campaign__date"))


def consent_list(*, user, person) -> list:
    return list(scope(Consent.objects.filter(person=person), user, "view_care"))


def get_consent_for_user(user, pk, perm: str = "edit_care") -> Consent:
    return get_for_user(Consent.objects.select_related("person__unit"), user, pk, perm)


# ---- pairing --------------------------------------------------------------------------------

def overdue_before(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - datetime.timedelta(days=OVERDUE_DAYS)


def pairing_list(*, user, overdue: bool = False, active_only: bool = True, today: datetime.date | None = None,
                 q: str = "") -> QuerySet:
    """Pairings of the user's beneficiaries; `overdue`: active with no visit (nor start) in 90 days."""
    today = today or timezone.localdate()
    qs = scope(Pairing.objects.all(), user, "view_care").select_related("helper", "helper_user", "beneficiary__unit")
    if active_only or overdue:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    if overdue:
        qs = qs.filter(last_contact_on__lt=overdue_before(today))
    if q:
        qs = qs.filter(Q(beneficiary__name__icontains=q) | Q(helper__name__icontains=q)
                       | Q(helper_user__full_name__icontains=q) | Q(helper_user__username__icontains=q))
    return qs.order_by("last_contact_on", "id")


def get_pairing_for_user(user, pk, perm: str = "view_care") -> Pairing:
    return get_for_user(Pairing.objects.select_related("helper__unit", "helper_user", "beneficiary__unit", "programme"),
                        user, pk, perm)


def visit_list(*, user, pairing: Pairing) -> QuerySet:
    return scope(Visit.objects.filter(pairing=pairing, voided_at__isnull=True), user, "view_care").select_related(
        "created_by")


# ---- benefits, rounds and funds ---------------------------------------------------------------

def benefit_list(*, user, programme: Programme | None = None, date_from=None, date_to=None) -> QuerySet:
    qs = scope(Benefit.objects.all(), user, "view_care").select_related("person__unit", "programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    if date_from:
        qs = qs.filter(given_on__gte=date_from)
    if date_to:
        qs = qs.filter(given_on__lte=date_to)
    return qs.order_by("-given_on", "-id")


def round_list(*, user) -> QuerySet:
    return scope(HolidayRound.objects.all(), user, "view_care").select_related("programme", "unit")


def get_round_for_user(user, pk, perm: str = "view_care") -> HolidayRound:
    return get_for_user(HolidayRound.objects.select_related("programme", "unit"), user, pk, perm)


_MONEY = DecimalField(max_digits=14, decimal_places=2)


def fund_list(*, user) -> QuerySet:
    zero = Value(0, output_field=_MONEY)
    return scope(Fund.objects.all(), user, "view_care").select_related("unit").annotate(
        money_in=Coalesce(Sum("entries__amount", filter=Q(entries__direction="in")), zero),
        money_out=Coalesce(Sum("entries__amount", filter=Q(entries__direction="out")), zero),
    ).annotate(balance=F("money_in") - F("money_out")).order_by("unit__path", "name")


def funds_usable_by(user) -> QuerySet:
    """Funds a user may pay from: those her unit and the units below keep (the keeper pays)."""
    return scope(Fund.objects.all(), user, "edit_care").select_related("unit")


def get_fund_for_user(user, pk, perm: str = "view_care") -> Fund:
    return get_for_user(Fund.objects.select_related("unit"), user, pk, perm)


def fund_entry_list(*, user, fund: Fund) -> QuerySet:
    return scope(FundEntry.objects.filter(fund=fund), user, "view_care").select_related("benefit__person")


# ---- screening and relief ------------------------------------------------------------------

def campaign_list(*, user) -> QuerySet:
    return scope_with_ancestors(ScreeningCampaign.objects.all(), user, "view_care").select_related("unit").order_by(
        "-date", "-id")


def get_campaign_for_user(user, pk, perm: str = "view_care") -> ScreeningCampaign:
    return _get_visible(ScreeningCampaign.objects.select_related("unit"), user, pk, perm)


def screening_result_list(*, user, campaign: ScreeningCampaign) -> QuerySet:
    return scope(ScreeningResult.objects.filter(campaign=campaign, voided_at__isnull=True), user,
                 "view_health_data").select_related(
        "person__unit").order_by("person__name", "id")


def get_screening_result_for_user(user, pk, perm: str = "view_health_data") -> ScreeningResult:
    return get_for_user(ScreeningResult.objects.select_related("person__unit", "campaign"), user, pk, perm)


def relief_list(*, user, status: str = "") -> QuerySet:
    qs = scope(ReliefApplication.objects.all(), user, "view_health_data").select_related("person__unit", "policy")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "-id")


def get_relief_for_user(user, pk, perm: str = "view_health_data") -> ReliefApplication:
    return get_for_user(ReliefApplication.objects.select_related("person__unit", "policy", "result__campaign"),
                        user, pk, perm)


def policies_for(user) -> QuerySet:
    return scope_with_ancestors(ReliefPolicy.objects.all(), user, "view_care").order_by("-id")


# ---- 春蕾, 普查, 保险 ---------------------------------------------------------------------------

def spring_bud_list(*, user, flagged: bool = False, today: datetime.date | None = None) -> QuerySet:
    """The Spring Bud girls; `flagged`: left school, or 18 or older (aid should stop or be reviewed)."""
    from banbiantian.people.selectors import age_band_range

    qs = scope(SpringBudGirl.objects.all(), user, "view_care").select_related("person__unit").prefetch_related(
        Prefetch("aids", queryset=SpringBudAid.objects.order_by("paid_on", "id")))
    _earliest, adult_born_by = age_band_range("18-", today)
    qs = qs.annotate(aid_total=Sum("aids__amount", filter=Q(aids__reversed_at__isnull=True,
                                                            aids__reverses__isnull=True)), flag_left=Q(left_school_on__isnull=False),
                     flag_adult=Q(person__birth_date__lte=adult_born_by))
    if flagged:
        qs = qs.filter(Q(left_school_on__isnull=False) | Q(person__birth_date__lte=adult_born_by))
    return qs.order_by("person__unit__path", "person__name", "id")


def get_girl_for_user(user, pk, perm: str = "view_care") -> SpringBudGirl:
    return get_for_user(SpringBudGirl.objects.select_related("person__unit"), user, pk, perm)


def census_list(*, user) -> QuerySet:
    return scope_with_ancestors(CensusRound.objects.all(), user, "view_care").select_related("unit").order_by(
        "-year", "unit__path")


def get_census_for_user(user, pk, perm: str = "view_care") -> CensusRound:
    return _get_visible(CensusRound.objects.select_related("unit"), user, pk, perm)


def census_children(*, user, census: CensusRound) -> QuerySet:
    return scope(CensusChild.objects.filter(round=census, voided_at__isnull=True), user, "view_care").select_related(
        "child__unit", "home").order_by("child__unit__path", "child__name", "id")


def homes_for(user) -> QuerySet:
    return scope(ChildrensHome.objects.all(), user, "view_care").select_related("unit")


def insurance_list(*, user, year: int | None = None) -> QuerySet:
    live = Q(claims__reversed_at__isnull=True, claims__reverses__isnull=True)
    qs = scope(InsurancePolicy.objects.filter(voided_at__isnull=True), user, "view_care").select_related(
        "person__unit").annotate(claims_paid=Sum("claims__amount_paid", filter=live),
                                 claims_count=Count("claims", filter=live)).prefetch_related(
        Prefetch("claims", queryset=InsuranceClaim.objects.order_by("date", "id")))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "person__unit__path", "person__name", "id")


def get_policy_for_user(user, pk, perm: str = "view_care") -> InsurancePolicy:
    return get_for_user(InsurancePolicy.objects.select_related("person__unit"), user, pk, perm)


# ---- single records to correct (冲销 / 作废 / 修改): the same scope as creating them, 404 otherwise ----------

def get_benefit_for_user(user, pk, perm: str = "edit_care") -> Benefit:
    return get_for_user(Benefit.objects.select_related("person__unit", "programme", "fund"), user, pk, perm)


def get_fund_entry_for_user(user, pk, perm: str = "edit_care") -> FundEntry:
    return get_for_user(FundEntry.objects.select_related("fund__unit"), user, pk, perm)


def get_aid_for_user(user, pk, perm: str = "edit_care") -> SpringBudAid:
    return get_for_user(SpringBudAid.objects.select_related("girl__person__unit"), user, pk, perm)


def get_claim_for_user(user, pk, perm: str = "edit_care") -> InsuranceClaim:
    return get_for_user(InsuranceClaim.objects.select_related("policy__person__unit"), user, pk, perm)


def get_visit_for_user(user, pk, perm: str = "edit_care") -> Visit:
    return get_for_user(Visit.objects.filter(voided_at__isnull=True).select_related(
        "pairing__beneficiary__unit", "pairing__helper", "pairing__helper_user"), user, pk, perm)


def get_census_child_for_user(user, pk, perm: str = "edit_care") -> CensusChild:
    return get_for_user(CensusChild.objects.filter(voided_at__isnull=True).select_related(
        "child__unit", "round__unit", "home"), user, pk, perm)


def waiting_applications(*, user) -> QuerySet:
    """Applications waiting for a decision (申请 or 审核) of the user's unit and everything below it: the
    rows behind the dashboard's "待审核的帮扶申请", so the list and the tile's count agree."""
    return (scope(Enrolment.objects.filter(status__in=(Status.APPLIED, Status.REVIEWING)), user, "view_care")
            .select_related("person__unit", "programme__unit").order_by("applied_on", "id"))


def previous_round(*, census: CensusRound) -> CensusRound | None:
    """The same unit's latest round before this one: where its children are carried over from."""
    return CensusRound.objects.filter(unit=census.unit, year__lt=census.year).order_by("-year").first()
