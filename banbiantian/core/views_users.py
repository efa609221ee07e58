from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import lockout, services
from .access import permission_required
from .forms import OwnPasswordForm, SetPasswordForm, UserCreateForm, UserEditForm, UserFilterForm
from .selectors import get_user_for_user, user_list
from .views_util import errors_to_form


@require_GET
@permission_required("manage_users")
def user_list_view(request):
    form = UserFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    users = user_list(user=request.user, q=filters.get("q", ""), unit=filters.get("unit"),
                      active=filters.get("active", ""))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = lockout.locked_until(u.username for u in page)
    for u in page:
        u.is_locked, u.locked_until = u.username in locked, locked.get(u.username)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
@permission_required("manage_users")
@permission_required("export_personal_data")
def user_export(request):
    """The account list as shown (filters, scope) as .xlsx; logged like every export of personal data."""
    from django.utils import timezone

    from .exports import logged_list_export

    form = UserFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    users = user_list(user=request.user, q=filters.get("q", ""), unit=filters.get("unit"),
                      active=filters.get("active", ""))
    headers = [_("用户名"), _("姓名"), _("手机号"), _("单位"), _("角色"), _("状态"), _("最近登录")]
    rows = ([u.username, u.full_name, u.phone, u.unit.name if u.unit_id else "", u.get_role_display(),
             _("启用") if u.is_active else _("停用"),
             timezone.localtime(u.last_login).strftime("%Y-%m-%d %H:%M") if u.last_login else ""]
            for u in users.iterator(chunk_size=2000))
    return logged_list_export(request, label=_("账号"), headers=headers, rows=rows, object_type="core.user",
                              object_repr=_("导出账号%(n)d个"), total=users.count())


@require_http_methods(["GET", "POST"])
@permission_required("manage_users")
def user_create(request):
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(by=request.user, username=data["username"], full_name=data["full_name"],
                                        phone=data["phone"], unit=data["unit"], role=data["role"],
                                        password=data["password1"])
        except ValidationError as exc:
            errors_to_form(form, _password_errors(exc))
        else:
            messages.success(request, _("已创建账号“%(u)s”。请将初始密码当面告知本人。") % {"u": user.username})
            return redirect("users:list")
    return render(request, "core/user_form.html", {"form": form, "title": _("新建账号")})


def _password_errors(exc: ValidationError) -> ValidationError:
    """The service names the field `password`; the form calls it password1."""
    if hasattr(exc, "error_dict") and "password" in exc.error_dict:
        errors = dict(exc.message_dict)
        errors["password1"] = errors.pop("password")
        return ValidationError(errors)
    return exc


@require_http_methods(["GET", "POST"])
@permission_required("manage_users")
def user_edit(request, pk):
    target = get_user_for_user(request.user, pk)
    initial = {"full_name": target.full_name, "phone": target.phone, "unit": target.unit, "role": target.role}
    form = UserEditForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(by=request.user, user=target, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存账号“%(u)s”。") % {"u": target.username})
            return redirect("users:list")
    return render(request, "core/user_form.html", {"form": form, "target": target, "title": _("修改账号"),
                                                    "locked": lockout.locked_until([target.username])})


@require_http_methods(["GET", "POST"])
@permission_required("manage_users")
def user_password(request, pk):
    target = get_user_for_user(request.user, pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(by=request.user, user=target, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            errors_to_form(form, _password_errors(exc))
        else:
            messages.success(request, _("已重置“%(u)s”的密码，账号如被锁定也已解锁。") % {"u": target.username})
            return redirect("users:list")
    return render(request, "core/user_form.html", {"form": form, "target": target, "title": _("重置密码")})


@require_http_methods(["GET", "POST"])
def my_password(request):
    """Every signed-in user may change her own password (no permission needed)."""
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(user=request.user, old_password=form.cleaned_data["old_password"],
                                              password=form.cleaned_data["password1"])
        except ValidationError as exc:
            errors_to_form(form, _password_errors(exc))
        else:
            update_session_auth_hash(request, request.user)  # stay signed in on this device
            messages.success(request, _("密码已修改。"))
            return redirect("dashboard")
    return render(request, "core/user_form.html", {"form": form, "target": request.user, "title": _("修改密码"),
                                                    "cancel_url": reverse("dashboard")})


@require_POST
@permission_required("manage_users")
def user_set_active(request, pk):
    target = get_user_for_user(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(by=request.user, user=target, active=active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, (_("已启用“%(u)s”。") if active else _("已停用“%(u)s”，该账号不能再登录。"))
                         % {"u": target.username})
    return redirect("users:list")


@require_POST
@permission_required("manage_users")
def user_unlock(request, pk):
    """A locked-out account may log in again at once (audited)."""
    target = get_user_for_user(request.user, pk)
    try:
        services.user_unlock(by=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已解锁“%(u)s”，该账号现在可以登录。") % {"u": target.username})
    return redirect("users:list")
