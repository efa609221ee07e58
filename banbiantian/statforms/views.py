from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banbiantian.core import metrics
from banbiantian.core import services as core_services
from banbiantian.core.access import permission_required, require_perm, unit_for_user
from banbiantian.core.exports import workbook_response
from banbiantian.core.views_util import client_ip, errors_to_form, errors_to_messages

from . import selectors, services
from .checks import parse_cell
from .forms import CellForm, FormDefinitionForm, PeriodForm, ReasonForm, RuleForm, SummaryForm
from .models import LOCKED, Cell, FormDefinition, Rule, Status


@require_GET
@permission_required("view_plans")
def home(request):
    user = request.user
    today = timezone.localdate()
    forms = list(FormDefinition.objects.filter(active=True))
    mine = []
    owed = overdue = 0
    if user.has_perm_name("fill_forms"):
        own = {(r.form_id, r.period_key): r for r in selectors.report_list(user=user, unit=user.unit)}
        for form in forms:
            if user.unit.level in form.level_list:
                periods = [p for p in selectors.recent_periods(form.period_kind, today, selectors.WINDOW)
                           if p.end >= today or selectors.owes(form, user.unit, p)]
                rows = []
                for p in periods:
                    report, deadline = own.get((form.pk, p.key)), form.deadline(p)
                    sent = report is not None and report.status in LOCKED
                    rows.append((p, report, deadline, not sent and today > deadline))
                    owed += not sent and p.end < today
                    overdue += not sent and today > deadline
                mine.append((form, rows))
    waiting = []
    if user.has_perm_name("approve_forms"):
        # Grouped by form and period; a report whose units below are not all in cannot be ticked.
        waiting = [(key, [(r, services.pending_below(report=r)) for r in reports])
                   for key, reports in selectors.approval_queue(user=user)]
    return render(request, "statforms/home.html", {"forms": forms, "mine": mine, "waiting": waiting, "today": today,
                                                   "owed": owed, "overdue": overdue})


# --- form design ---------------------------------------------------------------------------------

def _definition_page(request, definition=None):
    # A new form is owed from today on: no unit owes it for periods that ended before it existed.
    initial = None if definition else {"period_kind": "quarter", "levels": ["township"],
                                       "start_date": timezone.localdate()}
    form = FormDefinitionForm(request.POST or None, instance=definition, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.form_save(by=request.user, form=definition, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存。") if definition else _("报表已建立，请添加指标和审核规则。"))
            return redirect("statforms:form", saved.pk)
    return render(request, "statforms/form_edit.html", {"form": form, "definition": definition})


@require_http_methods(["GET", "POST"])
@permission_required("manage_forms")
def form_create(request):
    return _definition_page(request)


@require_http_methods(["GET", "POST"])
@permission_required("manage_forms")
def form_edit(request, pk):
    return _definition_page(request, get_object_or_404(FormDefinition, pk=pk))


@require_GET
@permission_required("view_plans")
def form_detail(request, pk):
    definition = get_object_or_404(FormDefinition, pk=pk)
    cells = list(definition.cells.all())
    blocks = selectors.layout([SimpleNamespace(cell=c) for c in cells])
    return render(request, "statforms/form_detail.html", {
        "definition": definition, "cells": cells, "rules": definition.rules.all(), "blocks": blocks,
        "cell_form": CellForm(initial={"order": len(cells) + 1}),
        "rule_form": RuleForm(), "can_manage": request.user.has_perm_name("manage_forms")})


def _design_post(request, definition, form, action, success):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
    if form.errors:
        # Refused: the form again on its own page with what was typed (a redirect would drop it).
        return render(request, "_form_retry.html", {"form": form, "title": str(definition),
                                                    "back": reverse("statforms:form", args=[definition.pk])})
    messages.success(request, success)
    return redirect("statforms:form", definition.pk)


@require_POST
@permission_required("manage_forms")
def cell_add(request, pk):
    definition = get_object_or_404(FormDefinition, pk=pk)
    return _design_post(request, definition, CellForm(request.POST),
                        lambda fields: services.cell_add(by=request.user, form=definition, **fields), _("已添加指标。"))


@require_POST
@permission_required("manage_forms")
def rule_add(request, pk):
    definition = get_object_or_404(FormDefinition, pk=pk)
    return _design_post(request, definition, RuleForm(request.POST),
                        lambda fields: services.rule_add(by=request.user, form=definition, **fields), _("已添加规则。"))


@require_POST
@permission_required("manage_forms")
def cell_delete(request, pk):
    cell = get_object_or_404(Cell, pk=pk)
    try:
        services.cell_delete(cell=cell, by=request.user)
        messages.success(request, _("已删除指标。"))
    except ValidationError as exc:
        errors_to_messages(request, exc=exc)
    return redirect("statforms:form", cell.form_id)


@require_POST
@permission_required("manage_forms")
def rule_delete(request, pk):
    rule = get_object_or_404(Rule, pk=pk)
    services.rule_delete(rule=rule, by=request.user)
    messages.success(request, _("已删除规则。"))
    return redirect("statforms:form", rule.form_id)


# --- filling -------------------------------------------------------------------------------------

@require_POST
@permission_required("fill_forms")
def report_open(request, pk):
    definition = get_object_or_404(FormDefinition, pk=pk)
    form = PeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择报告期。"))
        period = services.period_for(form=definition, key=form.cleaned_data["period"])
        report = services.report_open(form=definition, period=period, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc=exc)
        return redirect("statforms:home")
    return redirect(report)


def _typed(request, lines):
    """Parse every editable cell of the posted page; (entries, errors), keeping what was typed."""
    entries, errors = {}, []
    for line in lines:
        if line.cell.computed:
            continue
        code = line.cell.code
        if not any(f"{prefix}_{code}" in request.POST for prefix in ("v", "na", "c")):
            continue  # not on the page that was sent: left as it is
        line.raw = request.POST.get(f"v_{code}", "")
        line.na = request.POST.get(f"na_{code}") == "1"
        line.comment = request.POST.get(f"c_{code}", "").strip()[:300]
        try:
            entries[code] = parse_cell(line.cell, line.raw, not_applicable=line.na, comment=line.comment)
        except ValidationError as exc:
            line.error = exc.messages[0]
            errors.append(line.error)
    return entries, errors


def _page(report, user):
    return selectors.sheet(form=report.form, unit=report.unit, period=report.period, report=report, user=user)


def _save_grid(request, report, page):
    """Store the figures typed into the posted grid (nothing when the grid was not sent). None when
    they were saved or nothing was typed; else (page, differences) to show again with the reasons,
    nothing written."""
    entries, errors = _typed(request, page.lines)
    if errors:
        for error in errors:
            messages.error(request, error)
        return page, None
    current = {line.cell.code: line.entry for line in page.lines}
    changed = [code for code, e in entries.items() if (e.state, e.number, e.comment.strip()) != (
        current[code].state, current[code].number, (current[code].comment or "").strip())]
    if not changed:
        return None
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    try:
        services.report_save(report=report, version=version, entries=entries, by=request.user)
    except services.Conflict as exc:
        messages.error(request, exc.messages[0])
        report.refresh_from_db()
        return _page(report, request.user), exc.differences
    except ValidationError as exc:
        errors_to_messages(request, exc=exc)
        return page, None
    return None


def _render_report(request, report, page, *, differences=None, confirm=None):
    user = request.user
    can_fill = user.has_perm_name("fill_forms") and user.unit_id == report.unit_id and report.editable
    oversee = report.unit.path.startswith(user.unit.path) and user.unit_id != report.unit_id
    return render(request, "statforms/report.html", {
        "report": report, "page": page, "can_fill": can_fill, "differences": differences,
        "can_submit": can_fill, "events": report.events.select_related("by"), "confirm": confirm,
        "can_approve": oversee and user.has_perm_name("approve_forms") and report.status == Status.SUBMITTED,
        "can_unlock": oversee and user.has_perm_name("unlock_forms") and report.status == Status.APPROVED,
        "pending": services.pending_below(report=report) if report.status == Status.SUBMITTED and oversee else [],
        "absent": selectors.absent_reports(report.form, report.unit, report.period),
        "below_rows": selectors.units_below(report),
        "chases": user.unit_id == report.unit_id and user.has_perm_name("approve_forms"),
        "reason_form": ReasonForm(), "deadline": report.form.deadline(report.period),
        "approver_unit": report.unit.parent if report.status == Status.SUBMITTED else None},
        status=200 if differences is None else 409)


@require_http_methods(["GET", "POST"])
@permission_required("view_plans")
def report_detail(request, pk):
    report = selectors.get_report_for_user(request.user, pk)
    page = _page(report, request.user)
    if request.method == "POST":
        require_perm(request.user, "fill_forms")
        refused = _save_grid(request, report, page)
        if refused is None:
            messages.success(request, _("已保存。"))
            return redirect(report)
        page, differences = refused
        return _render_report(request, report, page, differences=differences)
    return _render_report(request, report, page)


@require_POST
@permission_required("fill_forms")
def report_submit(request, pk):
    """上报 from the grid: what was typed is saved first (as 保存 would), then the report is checked
    and sent. A period still running, or a report mostly 未填报, is sent only after 确认上报."""
    report = selectors.get_report_for_user(request.user, pk)
    page = _page(report, request.user)
    if report.editable:
        refused = _save_grid(request, report, page)
        if refused is not None:
            page, differences = refused
            return _render_report(request, report, page, differences=differences)
        report.refresh_from_db()
        page = _page(report, request.user)
        warnings = selectors.submit_warnings(page, timezone.localdate())
        if warnings and request.POST.get("confirm") != "1":
            return _render_report(request, report, page, confirm=warnings)
    try:
        services.report_submit(report=report, by=request.user)
    except ValidationError as exc:
        if report.editable:
            messages.warning(request, _("填写的数字已保存，但未能上报："))
        errors_to_messages(request, exc=exc)
    else:
        messages.success(request, _("已上报，等待上级审核。"))
    return redirect(report)


def _flow(request, pk, action, success):
    report = selectors.get_report_for_user(request.user, pk)
    try:
        action(report)
        messages.success(request, success)
    except ValidationError as exc:
        errors_to_messages(request, exc=exc)
    return redirect(report)


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@require_POST
@permission_required("approve_forms")
def report_approve(request, pk):
    return _flow(request, pk, lambda r: services.report_approve(report=r, by=request.user), _("已审核通过，报表已锁定。"))


@require_POST
@permission_required("approve_forms")
def report_return(request, pk):
    return _flow(request, pk, lambda r: services.report_return(report=r, reason=_reason(request), by=request.user),
                 _("已退回。"))


@require_POST
@permission_required("unlock_forms")
def report_unlock(request, pk):
    return _flow(request, pk, lambda r: services.report_unlock(report=r, reason=_reason(request), by=request.user),
                 _("已解锁，报表退回填报单位修改。"))


@require_POST
@permission_required("approve_forms")
def batch_approve(request):
    reports = [selectors.get_report_for_user(request.user, pk) for pk in request.POST.getlist("report")
               if pk.isdigit()]
    if not reports:
        messages.error(request, _("请勾选要审核通过的报表。"))
    else:
        try:
            done = services.reports_approve(reports=reports, by=request.user)
        except ValidationError as exc:
            errors_to_messages(request, exc=exc)
        else:
            messages.success(request, _("已审核通过%(n)s份报表。") % {"n": len(done)})
    return redirect(reverse("statforms:home") + "#approve")


def _unit_period(request):
    """(form, unit, period) named by the posted form / unit / period; a unit outside the user's scope is a 404."""
    form_pk = request.POST.get("form", "")
    definition = get_object_or_404(FormDefinition, pk=form_pk if form_pk.isdigit() else 0)  # junk: 404, not 500
    unit = unit_for_user(request.user, request.POST.get("unit") or 0, "approve_forms")
    return definition, unit, services.period_for(form=definition, key=request.POST.get("period", ""))


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("statforms:home")


@require_POST
@permission_required("approve_forms")
def remind(request):
    try:
        definition, unit, period = _unit_period(request)
        services.report_remind(by=request.user, form=definition, unit=unit, period=period)
    except ValidationError as exc:
        errors_to_messages(request, exc=exc)
    else:
        messages.success(request, _("已向%(u)s催报，该单位的待办中会显示。") % {"u": unit.name})
    return _back(request)


@require_POST
@permission_required("approve_forms")
def mark_absent(request):
    try:
        definition, unit, period = _unit_period(request)
        services.report_mark_absent(by=request.user, form=definition, unit=unit, period=period,
                                    reason=_reason(request))
    except ValidationError as exc:
        errors_to_messages(request, exc=exc)
    else:
        messages.success(request, _("已将%(u)s的报表标记为未收到。") % {"u": unit.name})
    return _back(request)


# --- status and reports ------------------------------------------------------------------------------

@require_GET
@permission_required("view_plans")
def status(request):
    board = selectors.status_board(user=request.user, today=timezone.localdate())
    return render(request, "statforms/status.html", {**board, "today": timezone.localdate()})


def _summary_args(request):
    form = SummaryForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return form, None
    definition = form.cleaned_data["form"]
    unit = form.cleaned_data["unit"] or request.user.unit
    period = form.cleaned_data.get("period_obj") or selectors.last_closed(definition.period_kind,
                                                                          timezone.localdate())
    return form, (definition, unit, period)


@require_GET
@permission_required("view_plans")
def summary(request):
    form, args = _summary_args(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if args:
        definition, unit, period = args
        cells = list(definition.cells.all())
        units = [unit] + selectors.comparison_units(definition, unit, period)
        sums = selectors.summarise(definition, units, period, cells)
        mine = sums[unit.pk]
        items = [SimpleNamespace(cell=c, entry=mine.entries[c.code], metric=c.code in mine.metric_codes,
                                 url=metrics.figure_url(c.metric_key, unit, period, request.user)
                                 if c.code in mine.metric_codes else "") for c in cells]
        blocks = selectors.layout(items)
        below = [(u, [sums[u.pk].entries[c.code] for c in cells], sums[u.pk]) for u in units[1:]]
        below_total = None
        if mine.source == selectors.Source.OWN and below:
            # The unit's own report is the total; the sum of the rows stands beside it to check.
            rows = selectors.summarise(definition, [unit], period, cells, own=False)[unit.pk]
            below_total = [rows.entries[c.code] for c in cells]
        absent = selectors.absent_reports(definition, unit, period)
        context |= {"absent": absent, "absent_units": {r.unit_id: r.absent_reason for r in absent}}
        context |= {"definition": definition, "unit": unit, "period": period, "summary": mine, "blocks": blocks,
                    "cells": cells, "below": below, "below_total": below_total,
                    "total": [mine.entries[c.code] for c in cells]}
    return render(request, "statforms/summary.html", context)


@require_GET
@permission_required("view_plans")
def summary_xlsx(request):
    from .xlsx import summary_workbook

    _form, args = _summary_args(request)
    if not args:
        raise Http404
    definition, unit, period = args
    cells = list(definition.cells.all())
    units = [unit] + selectors.comparison_units(definition, unit, period)
    sums = selectors.summarise(definition, units, period, cells)
    response = workbook_response(summary_workbook(definition, cells, [sums[u.pk] for u in units], period),
                                 f"form-{definition.pk}-{unit.code}-{period.key}.xlsx")
    core_services.export_logged(by=request.user, unit=unit, object_type="statforms.summary",
                                object_repr=f"{definition.name} {unit.name} {period.label}"[:200],
                                ip_address=client_ip(request))
    return response


@require_GET
@permission_required("view_plans")
def chart(request):
    form, args = _summary_args(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if args:
        definition, unit, period = args
        cells = {c.code: c for c in definition.cells.all()}
        cell = cells.get(form.cleaned_data["cell"]) or next(iter(cells.values()), None)
        if cell is None:
            raise Http404
        trend = selectors.trend(definition, unit, period)
        units = selectors.comparison_units(definition, unit, period)
        sums = selectors.summarise(definition, units, period, list(cells.values())) if units else {}
        context |= {"definition": definition, "unit": unit, "period": period, "cell": cell, "chart": {
            "trend": {"labels": [p.label for p, _e in trend],
                      "values": [_plain(e[cell.code]) for _p, e in trend]},
            "comparison": {"labels": [u.name for u in units],
                           "values": [_plain(sums[u.pk].entries[cell.code]) for u in units]},
            "name": str(cell), "unit": cell.unit_label}}
    return render(request, "statforms/chart.html", context)


def _plain(entry):
    return float(entry.number) if entry.number is not None else None

