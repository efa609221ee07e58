from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import dashboard, services
from .access import permission_required, unit_for_user
from .forms import LoginForm, OrgUnitCloseForm, OrgUnitCreateForm, OrgUnitLiveFromForm
from .models import Level
from .selectors import child_units, unit_level_counts, unit_tree
from .views_util import errors_to_form


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (settings.AXES_LOCKOUT_CALLABLE): when she may try
    again, and whom to ask to unlock her now. The page is seen before signing in, so it says the same
    for every name typed: it never tells whether an account exists, nor names or phones of its admins."""
    from axes.helpers import get_cool_off

    from .lockout import locked_until

    username = str((credentials or {}).get("username") or request.POST.get("username") or "")[:150]
    return render(request, "core/locked_out.html", {
        "until": locked_until([username]).get(username), "minutes": int(get_cool_off().total_seconds() // 60),
    }, status=429)


@require_GET
def dashboard_view(request):
    user = request.user
    levels = unit_level_counts(user=user) if user.has_perm_name("view_people") else {}
    return render(request, "core/dashboard.html", {
        "level_counts": [(label, levels.get(value, 0)) for value, label in Level.choices if levels.get(value)],
        "panels": dashboard.panels(user),
        "todo": dashboard.todo(user),
        "today": timezone.localdate(),
    })


@require_GET
@permission_required("view_people")
def org_tree(request):
    return render(request, "core/org_tree.html", {"units": unit_tree(user=request.user)})


@require_GET
@permission_required("view_people")
def org_unit_detail(request, pk):
    unit = unit_for_user(request.user, pk)
    return render(request, "core/org_unit.html", {
        "unit": unit,
        "ancestors": [a for a in unit.ancestors() if a.is_within(request.user.unit)],
        "children": child_units(unit),
        "users": unit.users.filter(is_active=True).order_by("role", "username"),
    })


@require_http_methods(["GET", "POST"])
@permission_required("manage_org")
def org_unit_create(request, pk):
    parent = unit_for_user(request.user, pk, "manage_org")
    form = OrgUnitCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.org_unit_create(by=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已增设“%(name)s”。") % {"name": unit.name})
            return redirect("org:unit", pk=unit.pk)
    return render(request, "core/org_form.html", {"form": form, "unit": parent, "title": _("增设下级单位")})


@require_http_methods(["GET", "POST"])
@permission_required("manage_org")
def org_unit_live_from(request, pk):
    unit = unit_for_user(request.user, pk, "manage_org")
    form = OrgUnitLiveFromForm(request.POST or None, initial={"live_from": unit.live_from})
    if request.method == "POST" and form.is_valid():
        try:
            services.org_unit_set_live_from(by=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存“%(name)s”的上线日期。") % {"name": unit.name})
            return redirect("org:unit", pk=unit.pk)
    return render(request, "core/org_form.html", {"form": form, "unit": unit, "title": _("上线日期")})


@require_http_methods(["GET", "POST"])
@permission_required("manage_org")
def org_unit_close(request, pk):
    unit = unit_for_user(request.user, pk, "manage_org")
    form = OrgUnitCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_unit_close(by=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已撤销“%(name)s”，其历史记录保留。") % {"name": unit.name})
            return redirect("org:unit", pk=unit.pk)
    return render(request, "core/org_form.html", {"form": form, "unit": unit, "title": _("撤销单位")})
