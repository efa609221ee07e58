from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import dashboard
from .access import permission_required, unit_for_user
from .forms import LoginForm
from .models import Level
from .selectors import child_units, unit_level_counts, unit_tree


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_GET
def dashboard_view(request):
    user = request.user
    levels = unit_level_counts(user=user) if user.has_perm_name("view_people") else {}
    return render(request, "core/dashboard.html", {
        "level_counts": [(label, levels.get(value, 0)) for value, label in Level.choices if levels.get(value)],
        "panels": dashboard.panels(user),
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
