from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banbiantian.core.access import permission_required, require_perm, scope
from banbiantian.core.metrics import Period
from banbiantian.core.views_util import client_ip, errors_to_form
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
    CensusChildEditForm,
    CensusChildForm,
    CensusRoundForm,
    ClaimForm,
    ConsentForm,
    CorrectionReasonForm,
    EndForm,
    EnrolForm,
    FundEntryForm,
    FundForm,
    HomeForm,
    InsuranceEditForm,
    InsuranceForm,
    LeftSchoolForm,
    PairingForm,
    PolicyForm,
    ProgrammeForm,
    ReliefApplyForm,
    ReliefTransitionForm,
    ResultEditForm,
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


def _post_form(request, form, action, success, done: str, *, title, template="care/form.html", context=None):
    """The POST of a small form shown inside another page (a row's 登记, a detail page's 记录走访): done,
    it flashes `success` and goes back to `done`; refused, the form is shown again on its own page with
    everything typed and each reason beside its field (never dropped by a redirect)."""
    return _form_page(request, form, action, success, lambda _r: done, title=title, template=template,
                      context=context)


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
    return _post_form(request, EnrolForm(request.POST, programmes=_editable_programmes(request.user)),
                      lambda d: services.enrolment_create(by=request.user, programme=d["programme"], person=person,
                                                          reason=d["reason"]),
                      _("已登记帮扶申请。"), reverse("care:person", args=[person.pk]),
                      title=_("登记帮扶申请：%(n)s") % {"n": person.name})


@require_POST
@permission_required("edit_care")
def enrolment_transition(request, pk):
    enrolment = selectors.get_enrolment_for_user(request.user, pk, perm="edit_care")
    back = request.POST.get("back")
    done = {"programme": reverse("care:programme", args=[enrolment.programme_id]),
            "applications": reverse("care:applications")}.get(back, reverse("care:person", args=[enrolment.person_id]))
    return _post_form(request, TransitionForm(request.POST),
                      lambda d: services.enrolment_transition(by=request.user, enrolment=enrolment, to=d["to"],
                                                              reason=d["reason"]),
                      _("已更新状态。"), done, title=_("处理帮扶申请：%(e)s") % {"e": enrolment},
                      context={"extra_hidden": {"back": back or ""}})


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
    return _post_form(request, ConsentForm(request.POST),
                      lambda d: services.consent_record(by=request.user, person=person, **d),
                      _("已登记处理依据。"), reverse("care:person", args=[person.pk]),
                      title=_("登记敏感信息处理依据：%(n)s") % {"n": person.name})


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
    form = PairingForm(request.POST or None, programmes=_editable_programmes(request.user), user=request.user)

    def pair(d):
        helper = (_person_in_scope(request, d["helper"], "helper", _("请从查找结果中选择帮扶人。"))
                  if d.get("helper") else None)
        return services.pairing_create(by=request.user, helper=helper, helper_user=d.get("helper_user"),
                                       beneficiary=beneficiary,
                                       **{k: d[k] for k in ("helper_kind", "start_date", "programme", "situation")})

    return _form_page(request, form, pair, _("已建立结对。"), lambda p: reverse("care:pairing", args=[p.pk]),
                      template="care/pairing_form.html", context={"beneficiary": beneficiary})


def _pairing_page(request, pairing, *, visit_form=None, end_form=None):
    return render(request, "care/pairing.html", {
        "pairing": pairing, "visits": selectors.visit_list(user=request.user, pairing=pairing),
        "visit_form": visit_form or VisitForm(initial={"date": timezone.localdate()}),
        "end_form": end_form or EndForm(initial={"end_date": timezone.localdate()}),
        "overdue": pairing.end_date is None and pairing.last_contact_on < selectors.overdue_before(),
    })


@require_GET
@permission_required("view_care")
def pairing_detail(request, pk):
    return _pairing_page(request, selectors.get_pairing_for_user(request.user, pk))


def _on_page(request, form, action, success, done: str, page):
    """A form embedded in a page: done, back to the page with `success`; refused, the same page again
    (`page()`, given the bound form) with everything typed and the reasons beside the fields."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, success)
            return redirect(done)
    return page()


@require_POST
@permission_required("edit_care")
def visit_add(request, pk):
    pairing = selectors.get_pairing_for_user(request.user, pk, perm="edit_care")
    form = VisitForm(request.POST)
    return _on_page(request, form, lambda d: services.visit_create(by=request.user, pairing=pairing, **d),
                    _("已记录走访。"), reverse("care:pairing", args=[pairing.pk]),
                    lambda: _pairing_page(request, pairing, visit_form=form))


@require_POST
@permission_required("edit_care")
def pairing_end(request, pk):
    pairing = selectors.get_pairing_for_user(request.user, pk, perm="edit_care")
    form = EndForm(request.POST)
    return _on_page(request, form,
                    lambda d: services.pairing_end(by=request.user, pairing=pairing, end_date=d["end_date"]),
                    _("已结束结对。"), reverse("care:pairing", args=[pairing.pk]),
                    lambda: _pairing_page(request, pairing, end_form=form))


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
    return _fund_page(request, selectors.get_fund_for_user(request.user, pk))


def _fund_page(request, fund, form=None):
    page, query = _page(request, lists.fund_entries(request, fund))
    return render(request, "care/fund.html", {"fund": fund, "page": page, "query": query,
                                              "balance": services.fund_balance(fund=fund),
                                              "form": form or FundEntryForm(initial={"date": timezone.localdate()})})


@require_POST
@permission_required("edit_care")
def fund_entry_add(request, pk):
    fund = selectors.get_fund_for_user(request.user, pk, perm="edit_care")
    form = FundEntryForm(request.POST)
    return _on_page(request, form, lambda d: services.fund_entry_create(by=request.user, fund=fund, **d),
                    _("已记账。"), reverse("care:fund", args=[fund.pk]), lambda: _fund_page(request, fund, form))


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
    return _campaign_page(request, selectors.get_campaign_for_user(request.user, pk))


def _campaign_page(request, campaign, result_form=None):
    context = {"campaign": campaign}
    if request.user.has_perm_name("view_health_data"):
        page, query = _page(request, lists.screening_results(request, campaign))
        services.log_health_views(by=request.user, people=[r.person for r in page], what=str(campaign),
                                  ip_address=client_ip(request))
        context.update(page=page, query=query, result_form=result_form or ResultForm(),
                       apply_form=ReliefApplyForm(policies=selectors.policies_for(request.user)))
    return render(request, "care/campaign.html", context)


@require_POST
@permission_required("view_health_data")
def result_add(request, pk):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    form = ResultForm(request.POST, user=request.user)

    def record(d):
        d = dict(d)
        person = _person_in_scope(request, d.pop("person"), "person", _("请从查找结果中选择受检妇女。"))
        services.screening_result_record(by=request.user, campaign=campaign, person=person, **d)

    return _on_page(request, form, record, _("已登记筛查结果。"), reverse("care:campaign", args=[campaign.pk]),
                    lambda: _campaign_page(request, campaign, form))


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
    return _post_form(request, ReliefApplyForm(request.POST, policies=selectors.policies_for(request.user)),
                      lambda d: services.relief_apply(by=request.user, result=result, **d),
                      _("已提交两癌救助申请。"), reverse("care:campaign", args=[result.campaign_id]),
                      title=_("申请两癌救助：%(n)s") % {"n": result.person.name})


@require_POST
@permission_required("view_health_data")
def relief_transition(request, pk):
    app = selectors.get_relief_for_user(request.user, pk)
    return _post_form(request, ReliefTransitionForm(request.POST),
                      lambda d: services.relief_transition(by=request.user, application=app, **d),
                      _("已更新状态。"), reverse("care:relief"),
                      title=_("办理两癌救助申请：%(n)s") % {"n": app.person.name})


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
    return _post_form(request, SpringBudAidForm(request.POST, funds=selectors.funds_usable_by(request.user)),
                      lambda d: services.spring_bud_aid(by=request.user, girl=girl, **d), _("已登记资助。"),
                      reverse("care:springbud"), title=_("发放春蕾资助：%(n)s") % {"n": girl.person.name})


@require_POST
@permission_required("edit_care")
def spring_bud_left(request, pk):
    girl = selectors.get_girl_for_user(request.user, pk, perm="edit_care")
    return _post_form(request, LeftSchoolForm(request.POST),
                      lambda d: services.spring_bud_left_school(by=request.user, girl=girl, **d), _("已标记离校。"),
                      reverse("care:springbud"), title=_("标记离校：%(n)s") % {"n": girl.person.name})


# ---- 留守儿童普查 -----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required("view_care")
def census_list(request):
    form = CensusRoundForm(request.POST if request.POST.get("form") == "round" else None, user=request.user)
    # Two forms on one page: the home form's fields are prefixed so each label points at its own field.
    home_form = HomeForm(request.POST if request.POST.get("form") == "home" else None, user=request.user,
                         prefix="home")
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
    return _census_page(request, selectors.get_census_for_user(request.user, pk))


def _census_page(request, census, form=None):
    page, query = _page(request, lists.census_children(request, census))
    people_services.children_viewed(by=request.user, children=[c.child for c in page], what=str(census),
                                    object_type="care.censuschild", ip_address=client_ip(request))
    earlier = selectors.previous_round(census=census)
    carry = []
    if earlier is not None and request.user.has_perm_name("edit_care"):
        present = set(selectors.census_children(user=request.user, census=census).values_list("child_id", flat=True))
        carry = [c for c in selectors.census_children(user=request.user, census=earlier)
                 if c.child_id not in present]
    return render(request, "care/census.html", {
        "census": census, "page": page, "query": query, "earlier": earlier, "carry": carry,
        "form": form or CensusChildForm(homes=selectors.homes_for(request.user))})


@require_POST
@permission_required("edit_care")
def census_child_add(request, pk):
    census = selectors.get_census_for_user(request.user, pk)
    form = CensusChildForm(request.POST, homes=selectors.homes_for(request.user), user=request.user)

    def add(data):
        data = dict(data)
        child = _person_in_scope(request, data.pop("child"), "child", _("请从查找结果中选择儿童。"))
        services.census_child_add(by=request.user, census=census, child=child, **data)

    return _on_page(request, form, add, _("已登记。"), reverse("care:census_round", args=[census.pk]),
                    lambda: _census_page(request, census, form))


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
    return _post_form(request, ClaimForm(request.POST),
                      lambda d: services.insurance_claim_create(by=request.user, policy=policy, **d), _("已登记理赔。"),
                      reverse("care:insurance"), title=_("登记理赔：%(p)s") % {"p": policy})


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


# ---- 待审核的帮扶申请: the dashboard tile's rows ---------------------------------------------------------

@require_GET
@permission_required("view_care")
def applications(request):
    page, query = _page(request, selectors.waiting_applications(user=request.user))
    return render(request, "care/applications.html", {
        "page": page, "query": query, "can_act": request.user.has_perm_name("edit_care"),
        "can_decide": request.user.has_perm_name("approve_care")})


# ---- corrections: 冲销 money by a counter-entry, 修改 or 作废 other records --------------------------------

def _correct(request, action, success, done: str, *, title: str, summary: list, verb: str, note: str = ""):
    """The page of one 冲销 / 作废: what the record is, the reason (required), the button."""
    form = CorrectionReasonForm(request.POST or None)
    return _form_page(request, form, lambda d: action(d["reason"]), success, lambda _r: done, title=title,
                      template="care/correct.html", context={"summary": summary, "verb": verb, "note": note})


REVERSE_NOTE = gettext_lazy("金额记录不修改、不删除：将写入一笔金额相反的冲销记录，列表和合计中同时显示，统计中两笔都不再计入。"
                 "如需更正，冲销后重新登记。")


def _money(value):
    return f"{value}" if value is not None else "—"


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def benefit_reverse(request, pk):
    b = selectors.get_benefit_for_user(request.user, pk)
    return _correct(request, lambda reason: services.benefit_reverse(by=request.user, benefit=b, reason=reason),
                    _("已冲销这笔发放。"), reverse("care:person", args=[b.person_id]),
                    title=_("冲销帮扶发放"), verb=_("冲销"), note=REVERSE_NOTE, summary=[
                        (_("受助人"), b.person.name), (_("帮扶项目"), b.programme.name),
                        (_("发放日期"), b.given_on), (_("现金(元)"), _money(b.cash)),
                        (_("物品"), b.goods or "—"), (_("资金来源"), b.fund_source)])


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def fund_entry_reverse(request, pk):
    e = selectors.get_fund_entry_for_user(request.user, pk)
    return _correct(request, lambda reason: services.fund_entry_reverse(by=request.user, entry=e, reason=reason),
                    _("已冲销这笔收支。"), reverse("care:fund", args=[e.fund_id]),
                    title=_("冲销善款收支"), verb=_("冲销"), note=REVERSE_NOTE, summary=[
                        (_("善款资金"), e.fund.name), (_("日期"), e.date), (_("收支"), e.get_direction_display()),
                        (_("金额(元)"), _money(e.amount)), (_("物品"), e.goods or "—"), (_("捐赠人/去向"), e.party)])


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def springbud_aid_reverse(request, pk):
    a = selectors.get_aid_for_user(request.user, pk)
    return _correct(request, lambda reason: services.spring_bud_aid_reverse(by=request.user, aid=a, reason=reason),
                    _("已冲销这笔资助。"), reverse("care:springbud"),
                    title=_("冲销春蕾资助"), verb=_("冲销"), note=REVERSE_NOTE, summary=[
                        (_("受助女童"), a.girl.person.name), (_("学期"), a.term), (_("资助金额(元)"), a.amount),
                        (_("资助人"), a.donor), (_("发放日期"), a.paid_on)])


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def claim_reverse(request, pk):
    c = selectors.get_claim_for_user(request.user, pk)
    return _correct(request, lambda reason: services.insurance_claim_reverse(by=request.user, claim=c, reason=reason),
                    _("已冲销这笔理赔。"), reverse("care:insurance"),
                    title=_("冲销保险理赔"), verb=_("冲销"), note=REVERSE_NOTE, summary=[
                        (_("投保人"), c.policy.person.name), (_("理赔日期"), c.date), (_("出险原因"), c.reason),
                        (_("赔付金额(元)"), c.amount_paid)])


def _edit(request, form, action, success, done: str, *, title: str, void_url: str = ""):
    return _form_page(request, form, action, success, lambda _r: done, title=title, template="care/form.html",
                      context={"void_url": void_url})


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def visit_edit(request, pk):
    v = selectors.get_visit_for_user(request.user, pk)
    initial = {f: getattr(v, f) for f in ("date", "kind", "done", "needs", "next_step")}
    return _edit(request, VisitForm(request.POST or None, initial=initial),
                 lambda d: services.visit_update(by=request.user, visit=v, **d), _("已修改走访记录。"),
                 reverse("care:pairing", args=[v.pairing_id]), title=_("修改走访记录"),
                 void_url=reverse("care:visit_void", args=[v.pk]))


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def visit_void(request, pk):
    v = selectors.get_visit_for_user(request.user, pk)
    return _correct(request, lambda reason: services.visit_void(by=request.user, visit=v, reason=reason),
                    _("已作废走访记录。"), reverse("care:pairing", args=[v.pairing_id]),
                    title=_("作废走访记录"), verb=_("作废"), summary=[
                        (_("结对"), str(v.pairing)), (_("日期"), v.date), (_("方式"), v.get_kind_display()),
                        (_("帮扶内容"), v.done)])


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def census_child_edit(request, pk):
    c = selectors.get_census_child_for_user(request.user, pk)
    if request.method == "GET":  # a child's record shown in the form: logged as viewed, as the census page
        people_services.children_viewed(by=request.user, children=[c.child], what=str(c.round),
                                        object_type="care.censuschild", ip_address=client_ip(request))
    initial = {f: getattr(c, f) for f in ("guardian", "father_whereabouts", "mother_whereabouts", "school",
                                          "needs", "home")}
    form = CensusChildEditForm(request.POST or None, initial=initial, homes=selectors.homes_for(request.user))
    return _edit(request, form, lambda d: services.census_child_update(by=request.user, row=c, **d),
                 _("已修改“%(n)s”的普查信息。") % {"n": c.child.name}, reverse("care:census_round", args=[c.round_id]),
                 title=_("修改普查信息：%(n)s") % {"n": c.child.name},
                 void_url=reverse("care:census_child_void", args=[c.pk]))


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def census_child_void(request, pk):
    c = selectors.get_census_child_for_user(request.user, pk)
    return _correct(request, lambda reason: services.census_child_void(by=request.user, row=c, reason=reason),
                    _("已从本次普查中作废“%(n)s”。") % {"n": c.child.name}, reverse("care:census_round", args=[c.round_id]),
                    title=_("作废普查儿童"), verb=_("作废"), summary=[
                        (_("普查"), c.round.name), (_("儿童"), c.child.name), (_("监护人"), c.guardian)])


@require_POST
@permission_required("edit_care")
def census_carry(request, pk):
    """从上一轮带入: the children ticked (all, by default) from the unit's previous round. Whoever may add a
    child to the round may carry hers over (a village director her village's children)."""
    census = selectors.get_census_for_user(request.user, pk)
    earlier = selectors.previous_round(census=census)
    if earlier is None:
        raise Http404
    ids = [i for i in request.POST.getlist("child") if i.isdigit()]
    rows = list(scope(selectors.census_children(user=request.user, census=earlier).filter(pk__in=ids), request.user,
                      "edit_care").select_related("round", "child__unit", "home"))
    if not rows:
        messages.error(request, _("请勾选要带入的儿童。"))
        return redirect("care:census_round", pk=census.pk)
    carried, skipped = services.census_carry_over(by=request.user, census=census, rows=rows)
    messages.success(request, _("已从%(r)s带入%(n)s名儿童。") % {"r": earlier.name, "n": carried})
    if skipped:
        messages.warning(request, _("未带入：%(s)s") % {"s": "、".join(str(x) for x in skipped)})
    return redirect("care:census_round", pk=census.pk)


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def springbud_edit(request, pk):
    g = selectors.get_girl_for_user(request.user, pk, perm="edit_care")
    if request.method == "GET":
        people_services.children_viewed(by=request.user, children=[g.person], what=_("春蕾女童信息修改页"),
                                        object_type="care.springbudgirl", ip_address=client_ip(request))
    initial = {f: getattr(g, f) for f in ("school", "grade", "donor", "registered_on", "family_situation")}
    return _edit(request, SpringBudForm(request.POST or None, initial=initial),
                 lambda d: services.spring_bud_update(by=request.user, girl=g, **d),
                 _("已修改春蕾女童“%(n)s”的信息。") % {"n": g.person.name}, reverse("care:springbud"),
                 title=_("修改春蕾女童：%(n)s") % {"n": g.person.name})


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def insurance_edit(request, pk):
    p = selectors.get_policy_for_user(request.user, pk, perm="edit_care")
    if p.voided_at:
        raise Http404
    return _edit(request, InsuranceEditForm(request.POST or None, initial={"insurer": p.insurer, "payer": p.payer}),
                 lambda d: services.insurance_policy_update(by=request.user, policy=p, **d), _("已修改保单。"),
                 reverse("care:insurance"), title=_("修改保单：%(p)s") % {"p": p},
                 void_url=reverse("care:insurance_void", args=[p.pk]))


@require_http_methods(["GET", "POST"])
@permission_required("edit_care")
def insurance_void(request, pk):
    p = selectors.get_policy_for_user(request.user, pk, perm="edit_care")
    if p.voided_at:
        raise Http404
    return _correct(request, lambda reason: services.insurance_policy_void(by=request.user, policy=p, reason=reason),
                    _("已作废保单。"), reverse("care:insurance"), title=_("作废保单"), verb=_("作废"),
                    note=_("从善款支付的保费将以冲销记录退回该资金。"), summary=[
                        (_("投保人"), p.person.name), (_("年度"), p.year), (_("承保公司"), p.insurer),
                        (_("保费(元)"), p.premium), (_("保费支付方"), p.get_paid_by_display())])


def _result_for_edit(request, pk):
    r = selectors.get_screening_result_for_user(request.user, pk)
    if r.voided_at or not request.user.has_perm_name("edit_care"):
        raise Http404
    return r


@require_http_methods(["GET", "POST"])
@permission_required("view_health_data")
def result_edit(request, pk):
    r = _result_for_edit(request, pk)
    if request.method == "GET":  # her health data shown in the form: logged as every health page is
        services.log_health_views(by=request.user, people=[r.person], what=str(r.campaign),
                                  ip_address=client_ip(request))
    fields = ("cervical", "breast", "result", "diagnosis", "stage", "follow_up", "treatment")
    form = ResultEditForm(request.POST or None, initial={f: getattr(r, f) for f in fields})

    def save(d):
        d = dict(d)
        return services.screening_result_update(by=request.user, result=r, outcome=d.pop("result"), **d)

    return _edit(request, form, save, _("已修改“%(n)s”的筛查结果。") % {"n": r.person.name},
                 reverse("care:campaign", args=[r.campaign_id]),
                 title=_("修改筛查结果：%(n)s · %(c)s") % {"n": r.person.name, "c": r.campaign.name},
                 void_url=reverse("care:result_void", args=[r.pk]))


@require_http_methods(["GET", "POST"])
@permission_required("view_health_data")
def result_void(request, pk):
    r = _result_for_edit(request, pk)
    return _correct(request, lambda reason: services.screening_result_void(by=request.user, result=r, reason=reason),
                    _("已作废筛查结果。"), reverse("care:campaign", args=[r.campaign_id]),
                    title=_("作废筛查结果"), verb=_("作废"),
                    summary=[(_("受检妇女"), r.person.name), (_("筛查活动"), r.campaign.name)])
