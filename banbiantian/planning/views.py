from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banbiantian.core.access import permission_required, unit_for_user
from banbiantian.core.metrics import Period
from banbiantian.core.views_util import errors_to_form

from . import selectors, services
from .forms import ActualForm, SplitForm, TargetForm
from .models import Target, format_number

PAGE_SIZE = 20


def _year(request) -> int:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year


def _own(user, plan, *perms) -> bool:
    return plan.unit_id == user.unit_id and any(user.has_perm_name(p) for p in perms)


def _require_own(user, plan, *perms) -> None:
    """Seen (in scope) but not hers to change: 403. Not in scope was already a 404."""
    if not _own(user, plan, *perms):
        raise PermissionDenied


# ---- plans -------------------------------------------------------------------------------------------

@require_GET
@permission_required("view_plans")
def home(request):
    """The year's plans in the user's scope: her own unit's first, then the units below."""
    year = _year(request)
    user = request.user
    plans = list(selectors.plan_list(user=user, year=year).annotate(n_targets=Count("targets")))
    own = next((p for p in plans if p.unit_id == user.unit_id), None)
    return render(request, "planning/home.html", {
        "year": year, "years": range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
        "own": own, "plans": [p for p in plans if p is not own],
        "can_create": own is None and user.has_perm_name("edit_plans"),
    })


@require_POST
@permission_required("edit_plans")
def plan_create(request):
    try:
        plan = services.plan_create(by=request.user, unit=request.user.unit, year=int(request.POST.get("year", "0")))
    except (ValueError, ValidationError) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else _("年度无效。"))
        return redirect("planning:home")
    return redirect("planning:plan", plan.pk)


@require_GET
@permission_required("view_plans")
def plan_detail(request, pk):
    plan = selectors.get_plan_for_user(request.user, pk)
    targets = list(selectors.targets_of(plan))
    rows = selectors.progress_for(targets, plan.unit, plan.year, user=request.user)
    can_edit = _own(request.user, plan, "edit_plans")
    return render(request, "planning/plan.html", {
        "plan": plan, "rows": rows, "can_edit": can_edit,
        "can_report": _own(request.user, plan, "edit_plans", "fill_forms"),
        "can_split": can_edit and bool(selectors.split_units(plan.unit, plan.year)),
        "has_splits": any(t.splits.all() for t in targets),
        "share_percent": format_number((selectors.elapsed_share(plan.year, timezone.localdate()) * 100)
                                       .quantize(Decimal("0.1"))),
        "period": Period("year", plan.year),
    })


@require_GET
@permission_required("view_plans")
def plan_xlsx(request, pk):
    """The plan page as .xlsx: each target with its actual, % achieved, pace and status."""
    from banbiantian.core.exports import logged_list_export

    plan = selectors.get_plan_for_user(request.user, pk)
    rows = selectors.progress_for(list(selectors.targets_of(plan)), plan.unit, plan.year, user=request.user)
    headers = [_("目标"), _("类型"), _("下达单位"), _("目标值"), _("实际完成"), _("完成率(%)"), _("按进度应达"), _("状态"), _("说明")]

    def lines():
        for row in rows:
            t = row.target
            yield [t.name, _("手工填报") if t.is_manual else _("系统统计"), t.parent.plan.unit.name if t.parent_id else "",
                   f"{t.symbol} {t.value_text}{t.unit_text}", row.actual_text if row.actual is not None else "—",
                   row.percent if row.percent is not None else "", row.expected_text, str(row.status),
                   " ".join(filter(None, [t.note, str(row.note or "")]))]

    return logged_list_export(request, label=str(plan), headers=headers, rows=lines(), object_type="planning.plan")


@require_GET
@permission_required("view_plans")
def plan_townships(request, pk):
    """The county's view: every township × every target split to them."""
    plan = selectors.get_plan_for_user(request.user, pk)
    table = selectors.county_table(plan, user=request.user)
    return render(request, "planning/townships.html", {
        "plan": plan, "table": table, "headers": list(zip(table.targets, table.unbalanced, strict=True))})


# ---- targets -----------------------------------------------------------------------------------------

def _target_form_page(request, plan, target=None):
    initial = None
    if target is not None:
        initial = {"metric_key": target.metric_key, "comparison": target.comparison, "value": target.value_text,
                   "label": target.label, "measure_unit": target.measure_unit, "note": target.note,
                   "sort": target.sort}
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                services.target_create(by=request.user, plan=plan, **form.cleaned_data)
                messages.success(request, _("目标已添加。"))
            else:
                services.target_update(by=request.user, target=target, **form.cleaned_data)
                messages.success(request, _("目标已修改。"))
            return redirect("planning:plan", plan.pk)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return render(request, "planning/target_form.html", {"form": form, "plan": plan, "target": target})


@require_http_methods(["GET", "POST"])
@permission_required("edit_plans")
def target_create(request, pk):
    plan = selectors.get_plan_for_user(request.user, pk)
    _require_own(request.user, plan, "edit_plans")
    return _target_form_page(request, plan)


def _own_target(request, pk, *perms) -> Target:
    target = selectors.get_target_for_user(request.user, pk)
    _require_own(request.user, target.plan, *perms)
    return target


@require_http_methods(["GET", "POST"])
@permission_required("edit_plans")
def target_edit(request, pk):
    target = _own_target(request, pk, "edit_plans")
    if target.parent_id:
        raise PermissionDenied  # handed down: changed only where it was split
    return _target_form_page(request, target.plan, target)


@require_POST
@permission_required("edit_plans")
def target_delete(request, pk):
    target = _own_target(request, pk, "edit_plans")
    try:
        services.target_delete(by=request.user, target=target)
        messages.success(request, _("目标已删除。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("planning:plan", target.plan_id)


@require_http_methods(["GET", "POST"])
@permission_required("edit_plans")
def target_split(request, pk):
    target = _own_target(request, pk, "edit_plans")
    if target.parent_id:
        raise PermissionDenied
    units = selectors.split_units(target.plan.unit, target.plan.year)
    if not units:
        raise Http404
    form = SplitForm(request.POST or None, units=units, target=target,
                     initial={"mode": target.split_mode or ("same" if target.is_rate else "even"),
                              "basis": "people.women"})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_split(by=request.user, target=target, mode=form.cleaned_data["mode"],
                                  values=form.unit_values(), basis=form.cleaned_data["basis"])
            messages.success(request, _("目标已分解到各乡镇(街道)。"))
            return redirect("planning:townships", target.plan_id)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return render(request, "planning/split.html", {"form": form, "target": target, "plan": target.plan})


@require_http_methods(["GET", "POST"])
@permission_required("view_plans")
def target_actual(request, pk):
    """A manually reported target's actual: typed by the plan's own unit, who and when kept."""
    target = _own_target(request, pk, "edit_plans", "fill_forms")
    if not target.is_manual:
        raise Http404
    form = ActualForm(request.POST or None,
                      initial={"actual": format_number(target.actual) if target.actual is not None else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_report_actual(by=request.user, target=target, actual=form.cleaned_data["actual"])
            messages.success(request, _("实际完成数已填报。"))
            return redirect("planning:plan", target.plan_id)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return render(request, "planning/actual.html", {"form": form, "target": target, "plan": target.plan})


@require_GET
@permission_required("view_plans")
def summary(request):
    """The year-end summary (年度工作总结) as a Word draft for a unit in scope."""
    from .summary import summary_docx

    unit = unit_for_user(request.user, request.GET.get("unit") or request.user.unit_id, "view_plans")
    year = _year(request)
    data, filename = summary_docx(unit=unit, year=year, user=request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

