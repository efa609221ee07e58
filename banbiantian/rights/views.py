import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banbiantian.core.access import permission_required
from banbiantian.core.exports import workbook_response
from banbiantian.core.views_util import client_ip, errors_to_form, errors_to_messages
from banbiantian.lib import idnumber
from banbiantian.lib.xlsx.cells import date_in_text, escape_formula
from banbiantian.people import services as people_services
from banbiantian.people.selectors import get_person_for_user, person_list

from . import forms, rules, services
from .models import Attachment, Referral, RiskLevel, Status, Visit
from .selectors import (
    case_list,
    case_timeline,
    close_approvers,
    earlier_cases,
    get_case_for_user,
    pending_referrals,
    pending_visits,
    petitioner_label,
    protection_orders,
    recent_same_matter,
    repeat_petitioners,
    screening_status,
)
from .stats import case_stats

PAGE_SIZE = 20


def rights_access(view):
    """403 unless the role may register or view rights cases (viewers and others never reach them)."""
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not (user.has_perm_name("view_rights_cases") or user.has_perm_name("register_rights_cases")):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
@rights_access
def case_list_view(request):
    form = forms.CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(case_list(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    services.dv_cases_listed(by=request.user, cases=page.object_list, what=_("案件列表"), ip_address=client_ip(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "rights/list.html", {"form": form, "page": page, "query": query.urlencode(),
                                                "today": timezone.localdate()})


CANDIDATES = 10


@require_GET
@permission_required("register_rights_cases")
def person_search(request):
    """htmx: people matching the query, to choose as the petitioner."""
    q = request.GET.get("q", "").strip()
    people = list(person_list(user=request.user, q=q)[:CANDIDATES]) if q else []
    return render(request, "rights/_person_candidates.html", {"people": people, "q": q})


@require_http_methods(["GET", "POST"])
@permission_required("register_rights_cases")
def case_register(request):
    person_id = request.POST.get("person") or request.GET.get("person")
    if not person_id:
        return render(request, "rights/register_person.html", {
            "person_form": forms.QuickPersonForm(user=request.user) if request.user.has_perm_name("edit_people")
            else None})
    person = get_person_for_user(request.user, person_id)
    earlier, earlier_elsewhere = earlier_cases(person, user=request.user)
    data = request.POST.copy() if request.method == "POST" else None
    recent = None
    if data is not None and earlier and not data.get("same_matter_as"):
        # Posted without an answer to the repeat question: the page was shown before an earlier case existed
        # (a second tap, Back then save) or the question was skipped. Ask, offering the recent same matter.
        recent = recent_same_matter(earlier, category=data.get("category"), received_on=data.get("received_on"))
        if recent is not None:
            data["same_matter_as"] = str(recent.pk)
    form = forms.CaseRegisterForm(data, earlier=earlier)
    if recent is not None:
        form.full_clean()
        form.add_error("same_matter_as", _("该当事人%(d)s已登记同类事项 %(n)s，已预选为同一事项（重复信访），"
                                           "请确认后再登记。") % {"d": recent.received_on, "n": recent.number})
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        same_pk = fields.pop("same_matter_as", None)
        same = next((c for c in earlier if c.pk == same_pk), None)
        try:
            case = services.case_register(by=request.user, petitioner=person, **fields, same_matter_as=same)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记，案件编号 %(n)s。") % {"n": case.number})
            return redirect("rights:detail", pk=case.pk)
    return render(request, "rights/register.html", {"form": form, "person": person, "earlier": earlier,
                                                    "earlier_elsewhere": earlier_elsewhere})


@require_POST
@permission_required("register_rights_cases")
def person_add(request):
    """Add the petitioner to the people registry without leaving the registration."""
    if not request.user.has_perm_name("edit_people"):
        raise PermissionDenied
    form = forms.QuickPersonForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            person = people_services.person_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect(reverse("rights:register") + f"?person={person.pk}")
    return render(request, "rights/register_person.html", {"person_form": form}, status=400)


def _actions(case, user) -> list[tuple[str, str, object]]:
    """The stage actions this user may take on the case now, with an empty form each."""
    p = user.has_perm_name
    s = case.status
    available = []
    for name, (form_class, _service, perm, label, statuses) in ACTIONS.items():
        if not p(perm) or (statuses is not None and s not in statuses):
            continue
        if name == "approve_close" and case.close_proposed_by_id == user.pk:
            continue
        extension = getattr(case, "extension", None) if name.startswith("extend") else None
        if name == "extend" and extension is not None:
            continue
        if name == "extend_decide" and (extension is None or extension.decision != extension.Decision.PENDING
                                        or extension.requested_by_id == user.pk):
            continue
        if name == "object" and case.object_due is None:
            continue
        if name == "review" and case.review_level >= 2:
            continue
        if name in ("risk", "dv", "followup") and not case.is_dv:
            continue
        if name == "village_followup" and (case.assigned_to_id is None or (
                case.assigned_to_id != user.pk and not p("edit_rights_cases"))):
            continue
        kwargs = {"case": case} if name == "assign" else {}
        initial = {}
        if name == "dv":
            initial = {f: getattr(case, f) for f in services.DV_FIELDS}
        if name == "risk":
            initial = case.risk_answers
        # Each action's form has ids of its own: several on one page share field names (on, reason, …).
        available.append((name, label, form_class(initial=initial, auto_id=f"id_{name}_%s", **kwargs)))
    if case.assigned_to_id == user.pk:
        # The village director the case was handed to comes for one thing: her follow-up record.
        available.sort(key=lambda action: action[0] != "village_followup")
    return available


ACTIONS = {
    # name: (form, service, permission, label, statuses allowed or None for any open/closed)
    "accept": (forms.AcceptForm, services.case_accept, "edit_rights_cases", gettext_lazy("受理"), [Status.REGISTERED]),
    "reject": (forms.RejectForm, services.case_reject, "edit_rights_cases", gettext_lazy("不予受理"), [Status.REGISTERED]),
    "object": (forms.ObjectForm, services.case_object, "edit_rights_cases", gettext_lazy("交办异议（5个工作日内）"),
               [Status.REGISTERED]),
    "mediation": (forms.MediationForm, services.mediation_add, "edit_rights_cases", gettext_lazy("记录调解"), [Status.ACCEPTED]),
    "refer": (forms.ReferForm, services.case_refer, "edit_rights_cases", gettext_lazy("转办"), [Status.ACCEPTED]),
    "extend": (forms.ExtensionRequestForm, services.extension_request, "edit_rights_cases",
               gettext_lazy("申请延期（一次，最多30日）"), [Status.ACCEPTED]),
    "extend_decide": (forms.ExtensionDecisionForm, services.extension_decide, "approve_case_close", gettext_lazy("延期审批"),
                      [Status.ACCEPTED, Status.CLOSE_PROPOSED]),
    "propose_close": (forms.ProposeCloseForm, services.case_propose_close, "register_rights_cases", gettext_lazy("申请办结"),
                      [Status.ACCEPTED]),
    "approve_close": (forms.ApproveCloseForm, services.case_approve_close, "approve_case_close", gettext_lazy("批准办结"),
                      [Status.CLOSE_PROPOSED]),
    "return_close": (forms.ReturnCloseForm, services.case_return_close, "approve_case_close", gettext_lazy("退回办结申请"),
                     [Status.CLOSE_PROPOSED]),
    "return_visit": (forms.ReturnVisitForm, services.case_return_visit, "register_rights_cases", gettext_lazy("回访"),
                     [Status.CLOSED]),
    "review": (forms.ReviewForm, services.case_request_review, "edit_rights_cases", gettext_lazy("登记复查/复核申请"),
               [Status.CLOSED, Status.VISITED]),
    "review_answer": (forms.ReviewAnswerForm, services.case_answer_review, "approve_case_close",
                      gettext_lazy("复查/复核答复"), [Status.REVIEW]),
    "risk": (forms.RiskForm, services.case_assess_risk, "register_rights_cases", gettext_lazy("家暴风险评估"), None),
    "dv": (forms.DVForm, services.case_update_dv, "register_rights_cases", gettext_lazy("告诫书、保护令、强制报告"), None),
    "followup": (forms.VisitForm, services.case_followup_visit, "register_rights_cases", gettext_lazy("登记跟进查访"),
                 [Status.ACCEPTED, Status.CLOSE_PROPOSED]),
    "assign": (forms.AssignForm, services.case_assign, "edit_rights_cases", gettext_lazy("交村(社区)跟进"), None),
    "village_followup": (forms.VillageFollowUpForm, services.case_village_followup, "register_rights_cases",
                         gettext_lazy("登记交村跟进情况"), None),
}


def _detail_context(request, case, **extra):
    return {
        "case": case, "timeline": case_timeline(case), "referrals": list(case.referrals.all()),
        "mediations": list(case.mediations.all()), "visits": list(case.visits.all()),
        "attachments": list(case.attachments.all()), "actions": _actions(case, request.user),
        "policy": rules.policy_for(case.unit), "today": timezone.localdate(),
        "attachment_form": forms.AttachmentForm(), "visit_form": forms.VisitForm(),
        "reply_form": forms.ReferralReplyForm(), "high_risk": case.risk_level in (RiskLevel.HIGH, RiskLevel.DANGER),
        "risk_questions": rules.RISK_QUESTIONS, "extension": getattr(case, "extension", None),
        "village_followups": list(case.village_followups.select_related("by")),
        "close_approvers": close_approvers(case, asked_by=case.close_proposed_by_id)
        if case.status == Status.CLOSE_PROPOSED else None,
        "extension_approvers": close_approvers(case, asked_by=case.extension.requested_by_id)
        if getattr(case, "extension", None) and case.extension.decision == "pending" else None, **extra,
    }


@require_GET
@rights_access
def case_detail(request, pk):
    case = get_case_for_user(request.user, pk)
    services.case_opened(by=request.user, case=case, ip_address=client_ip(request))
    return render(request, "rights/detail.html", _detail_context(request, case))


@require_http_methods(["GET", "POST"])
@rights_access
def case_edit(request, pk):
    case = get_case_for_user(request.user, pk)
    if not (request.user.has_perm_name("edit_rights_cases") or request.user.pk == case.registered_by_id):
        raise PermissionDenied
    initial = {f: getattr(case, f) for f in services.EDITABLE_FIELDS}
    initial["version"] = case.version
    form = forms.CaseEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "GET":
        services.case_opened(by=request.user, case=case, ip_address=client_ip(request), what="edit")
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(by=request.user, case=case, **form.cleaned_data)
        except services.CaseConflict as exc:
            conflict = exc.differences
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("rights:detail", pk=case.pk)
    return render(request, "rights/edit.html", {"form": form, "case": case, "conflict": conflict},
                  status=409 if conflict else 200)


@require_POST
@rights_access
def case_action(request, pk, action):
    case = get_case_for_user(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, service, perm, label, _statuses = ACTIONS[action]
    if not request.user.has_perm_name(perm):
        raise PermissionDenied
    form = form_class(request.POST, **({"case": case} if action == "assign" else {}))
    if not form.is_valid():
        return _retry(request, form, case, label)
    kwargs = dict(form.cleaned_data)
    if action != "mediation":
        raw = request.POST.get("version", "")
        # A page always sends its version; a missing or mangled one is treated as stale, never as "skip the check".
        kwargs["version"] = int(raw) if raw.isdigit() else 0
    try:
        service(by=request.user, case=case, **kwargs)
    except services.CaseConflict as exc:
        return render(request, "rights/conflict.html", {"case": case, "conflict": exc.differences,
                                                        "message": exc.messages[0], "label": label}, status=409)
    except ValidationError as exc:
        errors_to_form(form, exc)
        return _retry(request, form, case, label)
    messages.success(request, _("已办理：%(a)s。") % {"a": label})
    return redirect("rights:detail", pk=case.pk)


def _retry(request, form, case, label):
    """A refused action: its form again on its own page with everything typed and each reason beside its
    field (a redirect to the case would drop what was typed); the page's version travels with it."""
    return render(request, "_form_retry.html", {
        "form": form, "title": f"{case.number} · {label}", "back": reverse("rights:detail", args=[case.pk]),
        "extra_hidden": {"version": request.POST.get("version", "")}})


def _case_of(request, model, pk):
    """A case's sub-record, reached only through a case the user may open."""
    try:
        obj = model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError):
        raise Http404 from None
    case = get_case_for_user(request.user, obj.case_id)
    obj.case = case
    return obj


@require_POST
@permission_required("edit_rights_cases")
def referral_reply(request, pk):
    referral = _case_of(request, Referral, pk)
    form = forms.ReferralReplyForm(request.POST)
    if form.is_valid():
        try:
            services.referral_reply(by=request.user, referral=referral, **form.cleaned_data)
            messages.success(request, _("已登记转办回复。"))
            return redirect("rights:detail", pk=referral.case_id)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return _retry(request, form, referral.case, _("转办回复"))


@require_GET
@permission_required("edit_rights_cases")
def referral_sheet(request, pk):
    """The 转办单 the receiving unit gets: only what it needs, never the reporter or the narrative."""
    referral = _case_of(request, Referral, pk)
    services.case_opened(by=request.user, case=referral.case, ip_address=client_ip(request), what="referral_sheet")
    return render(request, "rights/referral_sheet.html", {"referral": referral, "case": referral.case})


@require_POST
@permission_required("register_rights_cases")
def visit_done(request, pk):
    visit = _case_of(request, Visit, pk)
    form = forms.VisitForm(request.POST)
    if form.is_valid():
        try:
            services.visit_record(by=request.user, visit=visit, **form.cleaned_data)
            messages.success(request, _("已登记查访。"))
            return redirect("rights:detail", pk=visit.case_id)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return _retry(request, form, visit.case, _("查访"))


@require_POST
@permission_required("register_rights_cases")
def attachment_upload(request, pk):
    case = get_case_for_user(request.user, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(by=request.user, case=case, upload=form.cleaned_data["file"])
            messages.success(request, _("已上传附件。"))
        except ValidationError as exc:
            errors_to_messages(request, form, exc)
    else:
        errors_to_messages(request, form)
    return redirect("rights:detail", pk=case.pk)


@require_GET
@rights_access
def attachment_download(request, pk):
    attachment = _case_of(request, Attachment, pk)
    services.case_opened(by=request.user, case=attachment.case, ip_address=client_ip(request),
                         what=f"attachment:{attachment.pk}")
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@rights_access
def due_list(request):
    user = request.user
    overdue = Paginator(case_list(user=user, filters={"due": "overdue"}), PAGE_SIZE).get_page(request.GET.get("page"))
    soon = list(case_list(user=user, filters={"due": "soon"})[:PAGE_SIZE])
    services.dv_cases_listed(by=user, cases=[*overdue.object_list, *soon], what=_("到期与逾期"),
                             ip_address=client_ip(request))
    return render(request, "rights/due.html", {
        "page": overdue, "soon": soon, "referrals": pending_referrals(user=user),
        "visits": pending_visits(user=user), "orders": protection_orders(user=user),
        "today": timezone.localdate(), "now": timezone.now(), "query": "",
    })


@require_GET
@permission_required("view_rights_cases")
def repeats(request):
    skip = list(case_list(user=request.user, filters={"skip_level": True})[:100])
    return render(request, "rights/repeats.html", {"petitioners": repeat_petitioners(user=request.user),
                                                   "skip": skip})


def _period(request):
    form = forms.PeriodForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    unit = data.get("unit") or request.user.unit
    date_from = data.get("date_from") or datetime.date(today.year, 1, 1)
    date_to = data.get("date_to") or today
    return form, unit, date_from, date_to


@require_GET
@permission_required("view_rights_cases")
def stats_view(request):
    form, unit, date_from, date_to = _period(request)
    stats = case_stats(user=request.user, unit=unit, date_from=date_from, date_to=date_to)
    return render(request, "rights/stats.html", {"form": form, "stats": stats, "unit": unit,
                                                 "date_from": date_from, "date_to": date_to,
                                                 "query": request.GET.urlencode()})


@require_GET
@permission_required("export_rights_cases")
def stats_xlsx(request):
    from openpyxl import Workbook

    _form, unit, date_from, date_to = _period(request)
    stats = case_stats(user=request.user, unit=unit, date_from=date_from, date_to=date_to)
    wb = Workbook()
    ws = wb.active
    ws.title = _("维权信访统计")
    ws.append([escape_formula(f"{unit.name} {date_from} — {date_to}")])
    for label, key in [(_("收到"), "received"), (_("受理"), "accepted"), (_("不予受理"), "rejected"),
                       (_("办结"), "closed"), (_("按期办结"), "on_time"), (_("办结率(%)"), "handled_rate"),
                       (_("按期办结率(%)"), "on_time_rate"), (_("满意率(%)"), "satisfaction_rate"),
                       (_("重复信访"), "repeat"), (_("越级信访"), "skip_level"), (_("家庭暴力"), "dv")]:
        value = stats[key]
        ws.append([label, float(value) if value is not None and not isinstance(value, int) else value])
    for title, rows in [(_("按来源方式"), stats["by_channel"]), (_("按类别"), stats["by_category"]),
                        (_("家暴案件按风险等级"), stats["by_risk"])]:
        ws.append([])
        ws.append([title])
        for label, n in rows:
            ws.append([escape_formula(str(label)), n])
    services.export_logged(by=request.user, unit=unit, what=f"统计 {date_from}—{date_to}", rows=stats["received"],
                           ip_address=client_ip(request))
    return workbook_response(wb, f"维权信访统计_{unit.name}_{date_from}_{date_to}.xlsx")


# Words that already say where a case stands: a handling text that starts with one is shown as it is.
_STATE_PREFIXES = ("已登记", "不予受理", "不受理", "办理中", "正在办理", "交村", "待审批", "已办结", "办结", "复查",
                   "复核", "已回访")


def _handling_cell(case) -> str:
    """处理情况 as the book keeps it: the status, then what was done (the outcome, the reason for refusing,
    or what an old register said of a case still in hand), not the status twice."""
    status = case.get_status_display()
    text = case.outcome or case.reject_reason or case.progress_note
    if not text:
        return status
    return text if text.startswith(_STATE_PREFIXES) else f"{status}：{text}"


def _visit_cell(case) -> str:
    """回访情况 with its date (the book's own words kept when they already hold it)."""
    result, on = case.return_visit_result, case.return_visit_on
    if on is None:
        return result
    if date_in_text(result) == on:
        return result
    return f"{on:%Y-%m-%d} {result}".strip()


def register_rows(cases, user) -> list[list]:
    """The 信访登记簿 columns, in the order of the book the import reads. Confidential cases hide the name
    and the contact details; minors' details need view_minor_details; full ID numbers need view_id_number.
    The address is the one kept on the case (encrypted; an imported book's 住址), else the person's."""
    minors_ok = user.has_perm_name("view_minor_details")
    full_ids = user.has_perm_name("view_id_number")
    rows = []
    for c in cases:
        p = c.petitioner
        name = petitioner_label(c, minors_ok=minors_ok)
        shown = name == p.name
        address, phone = (c.current_address or p.address, p.phone) if shown else ("", "")
        number = (p.id_number if full_ids else idnumber.mask(p.id_number)) if shown and p.id_number else ""
        rows.append([c.received_on, name, number, address, phone, c.request, c.category.name, _handling_cell(c),
                     c.closed_on or "", c.get_risk_level_display() if c.risk_level else "",
                     {True: _("满意"), False: _("不满意")}.get(c.satisfied, ""), _visit_cell(c)])
    return rows


REGISTER_HEADERS = [gettext_lazy("日期"), gettext_lazy("来访人"), gettext_lazy("身份证号"), gettext_lazy("住址"),
                    gettext_lazy("联系电话"), gettext_lazy("反映问题"), gettext_lazy("类别"), gettext_lazy("处理情况"),
                    gettext_lazy("办结时间"), gettext_lazy("风险等级"), gettext_lazy("满意度"), gettext_lazy("回访情况")]


def _register_cases(request):
    form, unit, date_from, date_to = _period(request)
    cases = case_list(user=request.user, filters={"unit": unit, "date_from": date_from, "date_to": date_to}
                      ).order_by("received_on", "id")
    return form, unit, date_from, date_to, cases


@require_GET
@permission_required("export_rights_cases")
def register_book(request):
    form, unit, date_from, date_to, cases = _register_cases(request)
    rows = register_rows(cases[:2000], request.user)
    services.export_logged(by=request.user, unit=unit, what=f"信访登记簿（打印） {date_from}—{date_to}", rows=len(rows),
                           ip_address=client_ip(request),
                           full_id_numbers=request.user.has_perm_name("view_id_number"))
    return render(request, "rights/register_book.html", {
        "form": form, "rows": rows, "unit": unit, "date_from": date_from, "date_to": date_to,
        "headers": REGISTER_HEADERS, "query": request.GET.urlencode()})


@require_GET
@permission_required("export_rights_cases")
def register_book_xlsx(request):
    from openpyxl import Workbook

    _form, unit, date_from, date_to, cases = _register_cases(request)
    wb = Workbook()
    ws = wb.active
    ws.title = _("信访登记簿")
    ws.append([escape_formula(f"{unit.name} {_('信访登记簿')} {date_from} — {date_to}")])
    ws.append([str(h) for h in REGISTER_HEADERS])
    rows = register_rows(cases.iterator(chunk_size=2000), request.user)
    for row in rows:
        ws.append([escape_formula(v) for v in row])
    services.export_logged(by=request.user, unit=unit, what=f"信访登记簿 {date_from}—{date_to}", rows=len(rows),
                           ip_address=client_ip(request),
                           full_id_numbers=request.user.has_perm_name("view_id_number"))
    return workbook_response(wb, f"信访登记簿_{unit.name}_{date_from}_{date_to}.xlsx")


@require_http_methods(["GET", "POST"])
@permission_required("register_rights_cases")
def screening(request):
    form = forms.ScreeningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_report(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已填报矛盾纠纷排查。"))
            return redirect(reverse("rights:screening") + f"?month={form.cleaned_data['month']:%Y-%m}")
    month = _screening_month(request)
    reports, missing = screening_status(user=request.user, month=month)
    return render(request, "rights/screening.html", {"form": form, "reports": reports, "missing": missing,
                                                     "month": month}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@permission_required("approve_case_close")
def settings_view(request):
    """The unit's own case-number format and deadlines; the county also extends the categories."""
    from .models import CaseCategory

    unit = request.user.unit
    policy = rules.policy_for(unit)
    initial = {f: getattr(policy, f) for f in services.POLICY_FIELDS}
    post = request.POST if request.method == "POST" else None
    which = (post or {}).get("form")
    policy_form = forms.PolicyForm(post if which == "policy" else None, initial=initial)
    category_form = forms.CategoryForm(post if which == "category" else None)
    can_categories = request.user.has_perm_name("manage_org")
    if which == "policy" and policy_form.is_valid():
        try:
            services.policy_save(by=request.user, unit=unit, **policy_form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(policy_form, exc)
        else:
            messages.success(request, _("已保存本单位的办理规则。"))
            return redirect("rights:settings")
    if which == "category":
        if not can_categories:
            raise PermissionDenied
        if category_form.is_valid():
            try:
                services.category_add(by=request.user, **category_form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(category_form, exc)
            else:
                messages.success(request, _("已新增类别。"))
                return redirect("rights:settings")
    if which == "toggle":
        if not can_categories:
            raise PermissionDenied
        try:
            category = CaseCategory.objects.get(pk=post.get("category"))
        except (CaseCategory.DoesNotExist, ValueError):
            raise Http404 from None
        services.category_set_active(by=request.user, category=category, active=not category.active)
        return redirect("rights:settings")
    status = 400 if policy_form.errors or category_form.errors else 200
    return render(request, "rights/settings.html", {
        "policy_form": policy_form, "category_form": category_form, "categories": CaseCategory.objects.all(),
        "can_categories": can_categories, "unit": unit}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("manage_org")
def holidays(request):
    """The holiday calendar behind every working-day deadline (放假 and 调休上班), kept by the county admin."""
    from .models import Holiday

    form = forms.HolidayForm(request.POST if request.POST.get("form") == "add" else None)
    if request.method == "POST":
        if request.POST.get("form") == "delete":
            try:
                holiday = Holiday.objects.get(pk=request.POST.get("holiday"))
            except (Holiday.DoesNotExist, ValueError):
                raise Http404 from None
            services.holiday_delete(by=request.user, holiday=holiday)
            messages.success(request, _("已删除 %(d)s。") % {"d": holiday.day})
            return redirect(reverse("rights:holidays") + f"?year={holiday.day.year}")
        if form.is_valid():
            try:
                holiday = services.holiday_set(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已保存 %(d)s。") % {"d": holiday.day})
                return redirect(reverse("rights:holidays") + f"?year={holiday.day.year}")
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    days = list(Holiday.objects.filter(day__year=year))
    years = sorted({d.year for d in Holiday.objects.dates("day", "year")} | {year, timezone.localdate().year})
    return render(request, "rights/holidays.html", {"form": form, "days": days, "year": year, "years": years},
                  status=400 if form.errors else 200)


# --- list exports: each list page as .xlsx, its filters applied, the user's scope, names masked, logged ----

def _export(request, label, headers, rows, total=None):
    """`total` (the row count, when cheap to know) over the background threshold sends it to the worker."""
    from banbiantian.core.exports import logged_list_export

    return logged_list_export(request, label=label, headers=headers, rows=rows, object_type="rights.case",
                              total=total)


CASE_EXPORT_HEADERS = [gettext_lazy("案件编号"), gettext_lazy("承办单位"), gettext_lazy("当事人"), gettext_lazy("类别"), gettext_lazy("来源方式"), gettext_lazy("收到日期"), gettext_lazy("状态"),
                       gettext_lazy("当前期限"), gettext_lazy("家暴风险"), gettext_lazy("重复信访"), gettext_lazy("越级信访")]


def _case_export_rows(cases, user):
    minors_ok = user.has_perm_name("view_minor_details")
    for c in cases.iterator(chunk_size=2000):
        yield [c.number, c.unit.name, petitioner_label(c, minors_ok=minors_ok), c.category.name,
               c.get_channel_display(), c.received_on, c.get_status_display(), c.due_on,
               c.get_risk_level_display() if c.risk_level else "", _("是") if c.is_repeat else "",
               _("是") if c.skip_level else ""]


@require_GET
@permission_required("export_rights_cases")
def case_list_xlsx(request):
    """The case list with its filters, every page of it."""
    form = forms.CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list(user=request.user, filters=filters)
    return _export(request, _("维权信访案件"), CASE_EXPORT_HEADERS, _case_export_rows(cases, request.user),
                   total=cases.count())


@require_GET
@permission_required("export_rights_cases")
def due_xlsx(request):
    """Everything the due page shows: overdue and soon-due cases, referrals awaiting a reply, 查访 due,
    protection orders awaiting a ruling or expiring."""
    user = request.user
    minors_ok = user.has_perm_name("view_minor_details")

    def rows():
        for c in case_list(user=user, filters={"due": "overdue"}).iterator(chunk_size=2000):
            missed = c.overdue_deadlines
            yield [_("已逾期"), c.number, c.unit.name, petitioner_label(c, minors_ok=minors_ok),
                   c.get_status_display(), min(d for _w, d in missed) if missed else c.due_on,
                   "；".join(_("%(w)s已过") % {"w": w} for w, _d in missed)]
        for c in case_list(user=user, filters={"due": "soon"}).iterator(chunk_size=2000):
            yield [_("7日内到期"), c.number, c.unit.name, petitioner_label(c, minors_ok=minors_ok),
                   c.get_status_display(), c.due_on, c.current_due_label()]
        today = timezone.localdate()
        for r in pending_referrals(user=user, limit=None):
            late = _("（已逾期）") if r.reply_due < today else ""
            yield [_("待回复的转办"), r.case.number, r.case.unit.name, petitioner_label(r.case, minors_ok=minors_ok),
                   r.get_agency_display(), r.reply_due, f"{r.receiving_unit}{late}"]
        for v in pending_visits(user=user, limit=None):
            yield [_("告诫书查访"), v.case.number, v.case.unit.name, petitioner_label(v.case, minors_ok=minors_ok),
                   _("应查访"), v.due_on, ""]
        for c in protection_orders(user=user, limit=None):
            due = c.order_expires_on if c.order_granted_on else timezone.localtime(c.order_ruling_due)
            yield [_("人身安全保护令"), c.number, c.unit.name, petitioner_label(c, minors_ok=minors_ok),
                   _("到期") if c.order_granted_on else _("待裁定"), due, c.order_court]

    headers = [_("事项"), _("案件编号"), _("承办单位"), _("当事人"), _("状态"), _("期限"), _("说明")]
    return _export(request, _("到期与逾期"), headers, rows())


@require_GET
@permission_required("export_rights_cases")
def repeats_xlsx(request):
    """The repeat petitioners (names masked as on the page) and the skip-level cases."""
    user = request.user
    minors_ok = user.has_perm_name("view_minor_details")

    def rows():
        for p in repeat_petitioners(user=user, limit=None):
            yield [_("重复信访人"), p["name"], "", "", p["last"], p["n"], p["total"]]
        for c in case_list(user=user, filters={"skip_level": True}).iterator(chunk_size=2000):
            yield [_("越级信访"), petitioner_label(c, minors_ok=minors_ok), c.number, c.unit.name, c.received_on, "", ""]

    headers = [_("类型"), _("当事人"), _("案件编号"), _("承办单位"), _("收到日期（最近一次重复信访）"),
               _("同一事项重复信访（件）"), _("全部案件（件）")]
    return _export(request, _("重复与越级信访"), headers, rows())


def _screening_month(request) -> datetime.date:
    try:
        return datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        return services.month_start(day=timezone.localdate())


@require_GET
@permission_required("export_rights_cases")
def screening_xlsx(request):
    """The month's screening: each village's report, and the villages that have not reported."""
    month = _screening_month(request)
    reports, missing = screening_status(user=request.user, month=month)

    def rows():
        for r in reports:
            yield [r.unit.name, month.strftime("%Y-%m"), _("未发现") if r.none_found else _("发现纠纷"), r.found,
                   r.resolved, r.escalated, str(r.reported_by)]
        for v in missing:
            yield [v.name, month.strftime("%Y-%m"), _("未填报"), "", "", "", ""]

    headers = [_("村(社区)"), _("月份"), _("排查结果"), _("发现"), _("化解"), _("上报"), _("填报人")]
    return _export(request, _("矛盾纠纷排查"), headers, rows())


def _correction(request, *, form, save, title, back, template="rights/correct.html"):
    """The one correction page: the recorded values in a form; saving corrects them (audited) and goes back."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已更正。"))
            return redirect(back)
    return render(request, template, {"form": form, "title": title, "back": back},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@permission_required("edit_rights_cases")
def mediation_edit(request, pk):
    from .models import MediationSession

    session = _case_of(request, MediationSession, pk)
    initial = {f: getattr(session, f) for f in services.corrections.MEDIATION_FIELDS}
    form = forms.MediationForm(request.POST or None, initial=initial)
    return _correction(
        request, form=form, title=_("更正调解记录 · %(n)s") % {"n": session.case.number},
        back=reverse("rights:detail", args=[session.case_id]),
        save=lambda data: services.mediation_correct(by=request.user, session=session, **data))


@require_http_methods(["GET", "POST"])
@permission_required("register_rights_cases")
def visit_edit(request, pk):
    visit = _case_of(request, Visit, pk)
    if not visit.done_on:
        raise Http404
    form = forms.VisitForm(request.POST or None, initial={"done_on": visit.done_on, "result": visit.result})
    return _correction(
        request, form=form, title=_("更正查访记录 · %(n)s") % {"n": visit.case.number},
        back=reverse("rights:detail", args=[visit.case_id]),
        save=lambda data: services.visit_correct(by=request.user, visit=visit, **data))


@require_http_methods(["GET", "POST"])
@permission_required("register_rights_cases")
def screening_edit(request, pk):
    from .models import DisputeScreening

    try:
        report = DisputeScreening.objects.select_related("unit").get(pk=pk)
    except (DisputeScreening.DoesNotExist, ValueError):
        raise Http404 from None
    if not report.unit.is_within(request.user.unit):
        raise Http404
    initial = {f: getattr(report, f) for f in services.corrections.SCREENING_FIELDS}
    form = forms.ScreeningCorrectionForm(request.POST or None, initial=initial)
    return _correction(
        request, form=form,
        title=_("更正矛盾纠纷排查 · %(u)s %(m)s") % {"u": report.unit.name, "m": report.month.strftime("%Y-%m")},
        back=reverse("rights:screening") + f"?month={report.month:%Y-%m}",
        save=lambda data: services.screening_correct(by=request.user, report=report, **data))
