from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banbiantian.core.access import permission_required, require_perm, scope
from banbiantian.core.metrics import Period
from banbiantian.core.views_util import client_ip, errors_to_form, errors_to_messages
from banbiantian.people import services as people_services
from banbiantian.people.models import Person
from banbiantian.people.selectors import (
    get_household_for_user,
    get_person_for_user,
    household_members,
    person_list,
)

from . import lists, selectors, services
from .forms import (
    BenefitForm,
    CampaignForm,
    CensusChildForm,
    CensusRoundForm,
    ClaimForm,
    ConsentForm,
    EndForm,
    EnrolForm,
    FundEntryForm,
    FundForm,
    HomeForm,
    InsuranceForm,
    LeftSchoolForm,
    PairingForm,
    PolicyForm,
    ProgrammeForm,
    ReliefApplyForm,
    ResultForm,
    RoundFilterForm,
    RoundForm,
    SpringBudAidForm,
    SpringBudForm,
    TransitionForm,
    VisitForm,
)
from .models import Kind, Programme, Status

PAGE_SIZE = 20


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _post_form(request, form, action, success):
    """The POST of a small form: validate, run the service (`action(cleaned_data)`), flash the
    outcome — a service's refusal is put beside the field it names, then flashed. True if done."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
    if form.errors:
        errors_to_messages(request, form)
    else:
        messages.success(request, success)
    return not form.errors


def _form_page(request, form, action, success, done, *, title="", template="care/form.html", context=None):
    """A form page: a valid POST runs the service (`action(cleaned_data)`); done, it flashes
    `success` and goes to `done(result)` (a URL); refused, the form comes back with the reason
    beside the field it names."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(done(result))
    return render(request, template, {"form": form, "title": title, **(context or {})})


def _person_in_scope(request, pk, field: str, message: str):
    """A person picked in a form (helper, screened woman, child) whom the user may record care for."""
    try:
        return get_person_for_user(request.user, pk, perm="edit_care")
    except Http404:
        raise ValidationError({field: message}) from None


def _editable_programmes(user):
    """Programmes a user may enrol people into / give through: hers and those of the units above."""
    return selectors.programme_list(user=user)


# ---- programmes -----------------------------------------------------------------------------------

@require_GET
@permission_required("view_care")
def home(request):
    kind = request.GET.get("kind", "")
    year = request.GET.get("year", "")
    page, query = _page(request, lists.programmes(request))
    who = request.GET.get("who", "").strip()
    # Finding a woman or child to see "what have we done for her": the registry's search, first 10.
    found = list(scope(person_list(user=request.user, q=who), request.user, "view_care")[:10]) if who else None
    return render(request, "care/home.html", {"page": page, "query": query, "kinds": Kind.choices, "kind": kind,
                                              "year": year, "who": who, "found": found})


def _programme_form_view(request, programme=None):
    initial = {}
    if programme is not None:
        initial = {f: getattr(programme, f) for f in services.PROGRAMME_FIELDS}
        initial.update(unit=programme.unit, target_groups=list(programme.target_groups.all()))
    form = ProgrammeForm(request.POST or None, initial=initial, user=request.user)

    def save(d):
        if programme is None:
            return services.programme_create(by=request.user, **d)
        fields = dict(d)
        del fields["unit"]  # a programme keeps its unit
        return services.programme_update(by=request.user, programme=programme, **fields)

    return _form_page(request, form, save, lambda p: _("已保存帮扶项目“%(name)s”。") % {"name": p.name},
                      lambda p: reverse("care:programme", args=[p.pk]),
                      title=_("修改帮扶项目") if programme else _("新建帮扶项目"))


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def programme_create(request):
    return _programme_form_view(request)


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def programme_edit(request, pk):
    return _programme_form_view(request, selectors.get_programme_for_user(request.user, pk, perm="edit_care"))


@require_GET
@permission_required("view_care")
def programme_detail(request, pk):
    programme = selectors.get_programme_for_user(request.user, pk)
    status = lists.status_filter(request)
    enrolments = lists.beneficiaries(request, programme)
    counts = selectors.enrolment_status_counts(user=request.user, programme=programme)
    paginator = Paginator(enrolments, PAGE_SIZE)
    # The status counts already say how many rows there are: no second count over the programme.
    paginator.count = counts.get(status, 0) if status in Status.values else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    return render(request, "care/programme.html", {
        "programme": programme, "page": page, "query": query, "status": status,
        "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "can_edit": scope(Programme.objects.filter(pk=programme.pk), request.user, "edit_care").exists(),
    })


# ---- enrolment --------------------------------------------------------------------------------------

@require_POST
@permission_required("edit_care")
def enrol(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_care")
    _post_form(request, EnrolForm(request.POST, programmes=_editable_programmes(request.user)),
               lambda d: services.enrolment_create(by=request.user, programme=d["programme"], person=person,
                                                   reason=d["reason"]),
               _("已登记帮扶申请。"))
    return redirect("care:person", pk=person.pk)


@require_POST
@permission_required("edit_care")
def enrolment_transition(request, pk):
    enrolment = selectors.get_enrolment_for_user(request.user, pk, perm="edit_care")
    _post_form(request, TransitionForm(request.POST),
               lambda d: services.enrolment_transition(by=request.user, enrolment=enrolment, to=d["to"],
                                                       reason=d["reason"]),
               _("已更新状态。"))
    if request.POST.get("back") == "programme":
        return redirect("care:programme", pk=enrolment.programme_id)
    return redirect("care:person", pk=enrolment.person_id)


# ---- a person's and a household's help ------------------------------------------------------------

def _health(request, people):
    """Screening results for these people if the user may see health data; each view is logged."""
    if not request.user.has_perm_name("view_health_data"):
        return None
    results = selectors.screening_results_for(user=request.user, people=people)
    services.log_health_views(by=request.user, people=[r.person for r in results], what=_("两癌筛查结果"),
                              ip_address=client_ip(request))
    return results


@require_GET
@permission_required("view_care")
def person_help(request, pk):
    person = get_person_for_user(request.user, pk, perm="view_care")
    if person.is_minor:  # a child's help: view_children (403 without), and the view is logged
        people_services.children_viewed(by=request.user, children=[person], what=_("未成年人帮扶记录"),
                                        ip_address=client_ip(request))
    context = selectors.help_for_people(user=request.user, people=[person])
    context.update(person=person, results=_health(request, [person]),
                   consents=selectors.consent_list(user=request.user, person=person),
                   can_act=request.user.has_perm_name("edit_care"))
    if request.user.has_perm_name("edit_care"):
        context.update(enrol_form=EnrolForm(programmes=_editable_programmes(request.user)),
                       consent_form=ConsentForm(initial={"given_on": timezone.localdate()}))
    return render(request, "care/person.html", context)


@require_GET
@permission_required("view_care")
def household_help(request, pk):
    household = get_household_for_user(request.user, pk, perm="view_care")
    members = list(household_members(household))
    context = selectors.help_for_people(user=request.user, people=members)
    head = next((m for m in members if m.relation_to_head == "head"), None)
    context.update(household=household, members=members, head=head, results=_health(request, members))
    return render(request, "care/household.html", context)


@require_GET
@permission_required("edit_care")
def person_picker(request):
    """htmx: people matching the query, as choices for a hidden person field (helper, screened woman)."""
    q = request.GET.get("q", "").strip()
    field = request.GET.get("field", "person")
    if field not in ("helper", "person", "child"):
        field = "person"
    people = list(person_list(user=request.user, q=q)[:10]) if q else []
    # person_list scopes with view_people; keep only those the user may also record care for.
    if people:
        allowed = set(scope(Person.objects.filter(pk__in=[p.pk for p in people]), request.user, "edit_care")
                      .values_list("pk", flat=True))
        people = [p for p in people if p.pk in allowed]
    return render(request, "care/_picker.html", {"people": people, "field": field, "q": q})


# ---- consent ----------------------------------------------------------------------------------------

@require_POST
@permission_required("edit_care")
def consent_add(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_care")
    _post_form(request, ConsentForm(request.POST),
               lambda d: services.consent_record(by=request.user, person=person, **d),
               _("已登记处理依据。"))
    return redirect("care:person", pk=person.pk)


@require_POST
@permission_required("edit_care")
def consent_withdraw(request, pk):
    consent = selectors.get_consent_for_user(request.user, pk)
    try:
        services.consent_withdraw(by=request.user, consent=consent, withdrawn_on=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤回，该信息不再用于新的工作。"))
    return redirect("care:person", pk=consent.person_id)


# ---- pairing --------------------------------------------------------------------------------------

@require_GET
@permission_required("view_care")
def pairing_list(request):
    overdue = request.GET.get("overdue") == "1"
    page, query = _page(request, lists.pairings(request))
    return render(request, "care/pairings.html", {"page": page, "query": query, "overdue": overdue,
                                                  "overdue_before": selectors.overdue_before()})


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def pairing_create(request, pk):
    beneficiary = get_person_for_user(request.user, pk, perm="edit_care")
    form = PairingForm(request.POST or None, programmes=_editable_programmes(request.user))

    def pair(d):
        helper = _person_in_scope(request, d["helper"], "helper", _("请从查找结果中选择帮扶人。"))
        return services.pairing_create(by=request.user, helper=helper, beneficiary=beneficiary,
                                       **{k: d[k] for k in ("helper_kind", "start_date", "programme", "situation")})

    return _form_page(request, form, pair, _("已建立结对。"), lambda p: reverse("care:pairing", args=[p.pk]),
                      template="care/pairing_form.html", context={"beneficiary": beneficiary})


@require_GET
@permission_required("view_care")
def pairing_detail(request, pk):
    pairing = selectors.get_pairing_for_user(request.user, pk)
    return render(request, "care/pairing.html", {
        "pairing": pairing, "visits": selectors.visit_list(user=request.user, pairing=pairing),
        "visit_form": VisitForm(initial={"date": timezone.localdate()}),
        "end_form": EndForm(initial={"end_date": timezone.localdate()}),
        "overdue": pairing.end_date is None and pairing.last_contact_on < selectors.overdue_before(),
    })


@require_POST
@permission_required("edit_care")
def visit_add(request, pk):
    pairing = selectors.get_pairing_for_user(request.user, pk, perm="edit_care")
    _post_form(request, VisitForm(request.POST),
               lambda d: services.visit_create(by=request.user, pairing=pairing, **d),
               _("已记录走访。"))
    return redirect("care:pairing", pk=pairing.pk)


@require_POST
@permission_required("edit_care")
def pairing_end(request, pk):
    pairing = selectors.get_pairing_for_user(request.user, pk, perm="edit_care")
    _post_form(request, EndForm(request.POST),
               lambda d: services.pairing_end(by=request.user, pairing=pairing, end_date=d["end_date"]),
               _("已结束结对。"))
    return redirect("care:pairing", pk=pairing.pk)


@require_GET
@permission_required("view_care")
def pairing_file(request, pk):
    """建立档案: the printable file of a paired woman: situation, the pairing, every visit and benefit."""
    pairing = selectors.get_pairing_for_user(request.user, pk)
    person = pairing.beneficiary
    context = selectors.help_for_people(user=request.user, people=[person])
    context.update(pairing=pairing, person=person, printed_at=timezone.localtime(),
                   visits=selectors.visit_list(user=request.user, pairing=pairing))
    return render(request, "care/file.html", context)


# ---- benefits and rounds ----------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def benefit_create(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_care")
    form = BenefitForm(request.POST or None, programmes=_editable_programmes(request.user),
                       funds=selectors.funds_usable_by(request.user))
    return _form_page(request, form, lambda d: services.benefit_create(by=request.user, person=person, **d),
                      _("已登记发放。"), lambda _b: reverse("care:person", args=[person.pk]),
                      title=_("登记帮扶发放：%(n)s") % {"n": person.name})


@require_GET
@permission_required("view_care")
def benefit_list(request):
    page, query = _page(request, lists.benefits(request))
    return render(request, "care/benefits.html", {"page": page, "query": query,
                                                  "rounds": selectors.round_list(user=request.user)[:10]})


ROUND_LIMIT = 5000


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def round_create(request):
    data = request.POST if request.method == "POST" else request.GET
    filter_form = RoundFilterForm(data or None, user=request.user)
    form = RoundForm(request.POST or None, programmes=_editable_programmes(request.user),
                     funds=selectors.funds_usable_by(request.user),
                     initial={"date": timezone.localdate()})
    people, count = None, 0
    if filter_form.is_valid():
        f = filter_form.cleaned_data
        people = scope(person_list(user=request.user, unit=f["unit"], group=f["group"], age_band=f["age_band"]),
                       request.user, "edit_care")
        count = people.count()
    if request.method == "POST" and form.is_valid() and people is not None:
        if count > ROUND_LIMIT:
            form.add_error(None, _("一次慰问最多%(n)s人，请缩小筛选范围。") % {"n": ROUND_LIMIT})
        else:
            try:
                round_ = services.holiday_round_record(by=request.user, unit=filter_form.cleaned_data["unit"],
                                                       people=people, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已记录“%(name)s”，共%(n)s人。") % {"name": round_.name, "n": round_.recipients})
                return redirect("care:round", pk=round_.pk)
    return render(request, "care/round_form.html", {
        "filter_form": filter_form, "form": form, "count": count, "filtered": people is not None,
        "sample": list(people.select_related("unit")[:10]) if people is not None else []})


@require_GET
@permission_required("view_care")
def round_detail(request, pk):
    round_ = selectors.get_round_for_user(request.user, pk)
    page, query = _page(request, lists.round_benefits(request, round_))
    return render(request, "care/round.html", {"round": round_, "page": page, "query": query})


# ---- funds ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required("view_care")
def fund_list(request):
    form = FundForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm_name("edit_care"):
            from django.core.exceptions import PermissionDenied
            raise PermissionDenied
        if form.is_valid():
            try:
                fund = services.fund_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已新建资金“%(n)s”。") % {"n": fund.name})
                return redirect("care:fund", pk=fund.pk)
    return render(request, "care/funds.html", {"funds": selectors.fund_list(user=request.user), "form": form})


@require_GET
@permission_required("view_care")
def fund_detail(request, pk):
    fund = selectors.get_fund_for_user(request.user, pk)
    page, query = _page(request, lists.fund_entries(request, fund))
    return render(request, "care/fund.html", {"fund": fund, "page": page, "query": query,
                                              "balance": services.fund_balance(fund=fund),
                                              "form": FundEntryForm(initial={"date": timezone.localdate()})})


@require_POST
@permission_required("edit_care")
def fund_entry_add(request, pk):
    fund = selectors.get_fund_for_user(request.user, pk, perm="edit_care")
    _post_form(request, FundEntryForm(request.POST),
               lambda d: services.fund_entry_create(by=request.user, fund=fund, **d),
               _("已记账。"))
    return redirect("care:fund", pk=fund.pk)


# ---- screening and relief -------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required("view_care")
def campaign_list(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm_name("edit_care"):
            from django.core.exceptions import PermissionDenied
            raise PermissionDenied
        if form.is_valid():
            try:
                campaign = services.campaign_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已新建筛查活动。"))
                return redirect("care:campaign", pk=campaign.pk)
    page, query = _page(request, selectors.campaign_list(user=request.user))
    return render(request, "care/campaigns.html", {"page": page, "query": query, "form": form})


@require_GET
@permission_required("view_care")
def campaign_detail(request, pk):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    context = {"campaign": campaign}
    if request.user.has_perm_name("view_health_data"):
        page, query = _page(request, lists.screening_results(request, campaign))
        services.log_health_views(by=request.user, people=[r.person for r in page], what=str(campaign),
                                  ip_address=client_ip(request))
        context.update(page=page, query=query, result_form=ResultForm(),
                       apply_form=ReliefApplyForm(policies=selectors.policies_for(request.user)))
    return render(request, "care/campaign.html", context)


@require_POST
@permission_required("view_health_data")
def result_add(request, pk):
    campaign = selectors.get_campaign_for_user(request.user, pk)

    def record(d):
        d = dict(d)
        person = _person_in_scope(request, d.pop("person"), "person", _("请从查找结果中选择受检妇女。"))
        services.screening_result_record(by=request.user, campaign=campaign, person=person, **d)

    _post_form(request, ResultForm(request.POST), record, _("已登记筛查结果。"))
    return redirect("care:campaign", pk=campaign.pk)


@require_GET
@permission_required("view_health_data")
def relief_list(request):
    page, query = _page(request, lists.relief(request))
    services.log_health_views(by=request.user, people=[a.person for a in page], what=_("两癌救助申请"),
                              ip_address=client_ip(request))
    return render(request, "care/relief.html", {"page": page, "query": query,
                                                "policies": selectors.policies_for(request.user)})


@require_POST
@permission_required("view_health_data")
def relief_apply(request, pk):
    result = selectors.get_screening_result_for_user(request.user, pk)
    _post_form(request, ReliefApplyForm(request.POST, policies=selectors.policies_for(request.user)),
               lambda d: services.relief_apply(by=request.user, result=result, **d),
               _("已提交两癌救助申请。"))
    return redirect("care:campaign", pk=result.campaign_id)


@require_POST
@permission_required("view_health_data")
def relief_transition(request, pk):
    app = selectors.get_relief_for_user(request.user, pk)
    _post_form(request, TransitionForm(request.POST),
               lambda d: services.relief_transition(by=request.user, application=app, **d),
               _("已更新状态。"))
    return redirect("care:relief")


@require_http_methods(["GET", "POST"])
@permission_required("approve_care")
def policy_create(request):
    form = PolicyForm(request.POST or None, user=request.user)
    return _form_page(request, form, lambda d: services.relief_policy_create(
        by=request.user, **{**d, "categories": d["categories"].splitlines()}),
        _("已保存救助政策。"), lambda _p: reverse("care:relief"), title=_("两癌救助政策"))


# ---- statistics ----------------------------------------------------------------------------------------

def _stats_for(request):
    from .forms import StatsForm
    from .stats import care_stats

    form = StatsForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    filters = form.cleaned_data if form.is_valid() else {}
    stats = care_stats(user=request.user, unit=filters.get("unit") or request.user.unit, today=today,
                       period=filters.get("period") or Period("year", today.year))
    return form, stats


@require_GET
@permission_required("view_care")
def stats_view(request):
    form, stats = _stats_for(request)
    return render(request, "care/stats.html", {"form": form, "stats": stats, "query": request.GET.urlencode()})


@require_GET
@permission_required("view_care")
def stats_xlsx(request):
    from banbiantian.core import services as core_services
    from banbiantian.core.exports import workbook_response

    from .stats import stats_workbook

    _form, stats = _stats_for(request)
    response = workbook_response(stats_workbook(stats), f"care-stats-{stats['period'].key}.xlsx")
    core_services.export_logged(by=request.user, unit=stats["unit"], object_type="care.stats",
                                object_repr=_("关爱帮扶统计 %(y)s") % {"y": stats["period"].label},
                                ip_address=client_ip(request))
    return response


# ---- 春蕾计划 --------------------------------------------------------------------------------------

@require_GET
@permission_required("view_care")
@permission_required("view_children")
def spring_bud_list(request):
    flagged = request.GET.get("flagged") == "1"
    page, query = _page(request, lists.spring_bud(request))
    people_services.children_viewed(by=request.user, children=[g.person for g in page], what=_("春蕾女童"),
                                    object_type="care.springbudgirl", ip_address=client_ip(request))
    aid_form = SpringBudAidForm(initial={"paid_on": timezone.localdate()}, funds=selectors.funds_usable_by(request.user))
    # The aid form is shown on every row: read the funds once, not once per row.
    aid_form.fields["fund"].choices = list(iter(aid_form.fields["fund"].choices))  # iter: no COUNT first
    return render(request, "care/springbud.html", {"page": page, "query": query, "flagged": flagged,
                                                   "aid_form": aid_form,
                                                   "left_form": LeftSchoolForm(initial={"left_on": timezone.localdate()})})


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def spring_bud_register(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_care")
    form = SpringBudForm(request.POST or None, initial={"registered_on": timezone.localdate()})
    return _form_page(request, form, lambda d: services.spring_bud_register(by=request.user, person=person, **d),
                      _("已登记春蕾女童“%(n)s”。") % {"n": person.name}, lambda _g: reverse("care:springbud"),
                      title=_("登记春蕾女童：%(n)s") % {"n": person.name})


@require_POST
@permission_required("edit_care")
def spring_bud_aid(request, pk):
    girl = selectors.get_girl_for_user(request.user, pk, perm="edit_care")
    _post_form(request, SpringBudAidForm(request.POST, funds=selectors.funds_usable_by(request.user)),
               lambda d: services.spring_bud_aid(by=request.user, girl=girl, **d), _("已登记资助。"))
    return redirect("care:springbud")


@require_POST
@permission_required("edit_care")
def spring_bud_left(request, pk):
    girl = selectors.get_girl_for_user(request.user, pk, perm="edit_care")
    _post_form(request, LeftSchoolForm(request.POST),
               lambda d: services.spring_bud_left_school(by=request.user, girl=girl, **d), _("已标记离校。"))
    return redirect("care:springbud")


# ---- 留守儿童普查 -----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required("view_care")
def census_list(request):
    form = CensusRoundForm(request.POST if request.POST.get("form") == "round" else None, user=request.user)
    home_form = HomeForm(request.POST if request.POST.get("form") == "home" else None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm_name("edit_care"):
            from django.core.exceptions import PermissionDenied
            raise PermissionDenied
        target = form if request.POST.get("form") == "round" else home_form
        if target.is_valid():
            try:
                if target is form:
                    services.census_round_create(by=request.user, **form.cleaned_data)
                else:
                    services.childrens_home_create(by=request.user, **home_form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(target, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("care:census")
    return render(request, "care/census_list.html", {
        "rounds": selectors.census_list(user=request.user), "homes": selectors.homes_for(request.user),
        "form": form, "home_form": home_form})


@require_GET
@permission_required("view_care")
@permission_required("view_children")
def census_detail(request, pk):
    census = selectors.get_census_for_user(request.user, pk)
    page, query = _page(request, lists.census_children(request, census))
    people_services.children_viewed(by=request.user, children=[c.child for c in page], what=str(census),
                                    object_type="care.censuschild", ip_address=client_ip(request))
    return render(request, "care/census.html", {
        "census": census, "page": page, "query": query,
        "form": CensusChildForm(homes=selectors.homes_for(request.user))})


@require_POST
@permission_required("edit_care")
def census_child_add(request, pk):
    census = selectors.get_census_for_user(request.user, pk)
    form = CensusChildForm(request.POST, homes=selectors.homes_for(request.user))

    def add(data):
        data = dict(data)
        child = _person_in_scope(request, data.pop("child"), "child", _("请从查找结果中选择儿童。"))
        services.census_child_add(by=request.user, census=census, child=child, **data)

    _post_form(request, form, add, _("已登记。"))
    return redirect("care:census_round", pk=census.pk)


# ---- 女性安康保险 -----------------------------------------------------------------------------------

@require_GET
@permission_required("view_care")
def insurance_list(request):
    year = request.GET.get("year", "")
    page, query = _page(request, lists.insurance(request))
    return render(request, "care/insurance.html", {"page": page, "query": query, "year": year,
                                                   "claim_form": ClaimForm(initial={"date": timezone.localdate()})})


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def insurance_add(request, pk):
    person = get_person_for_user(request.user, pk, perm="edit_care")
    form = InsuranceForm(request.POST or None, funds=selectors.funds_usable_by(request.user))
    return _form_page(request, form, lambda d: services.insurance_policy_create(by=request.user, person=person, **d),
                      _("已登记投保。"), lambda _p: reverse("care:insurance"),
                      title=_("女性安康保险投保：%(n)s") % {"n": person.name})


@require_POST
@permission_required("edit_care")
def claim_add(request, pk):
    policy = selectors.get_policy_for_user(request.user, pk, perm="edit_care")
    _post_form(request, ClaimForm(request.POST),
               lambda d: services.insurance_claim_create(by=request.user, policy=policy, **d), _("已登记理赔。"))
    return redirect("care:insurance")


# ---- downloads of the lists ------------------------------------------------------------------------

@require_GET
@permission_required("export_personal_data")
def list_xlsx(request, name, pk=None):
    """A list page as .xlsx: its filters, the user's scope, its columns (see lists.EXPORTS); logged."""
    from banbiantian.core.exports import logged_list_export

    spec = lists.EXPORTS[name]
    require_perm(request.user, spec.permission)
    obj = spec.get(request.user, pk) if spec.get else None
    title = str(spec.title)

    records = spec.rows(request, obj)

    def rows():
        people = []
        for record in records.iterator(chunk_size=2000):
            if spec.person:
                people.append(spec.person(record))
            yield [value(record) for _label, value in spec.columns]
        # Written: the health records seen in the file are logged before the export itself.
        if people and spec.permission == "view_children":
            people_services.children_viewed(by=request.user, children=people, what=title,
                                            object_type=f"care.{name}", ip_address=client_ip(request))
        elif people:
            services.log_health_views(by=request.user, people=people, what=title, ip_address=client_ip(request))

    return logged_list_export(request, label=title, headers=[label for label, _value in spec.columns], rows=rows(),
                              object_type=f"care.{name}", changes={"of": str(obj) if obj is not None else ""},
                              total=records.count())
