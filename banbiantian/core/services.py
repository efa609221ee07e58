"""Writes to org units and accounts. Every function is atomic and audited."""

import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .access import require_perm
from .metrics import Metric, Period
from .models import LEVEL_RANK, AuditEntry, OrgUnit, User
from .roles import ROLE_LEVELS, Role, role_permissions

USER_AUDITED = ["username", "full_name", "phone", "unit", "role", "is_active"]


def _check_can_manage(by: User, unit: OrgUnit, role: str) -> None:
    """A manager may give only roles no stronger than her own, in units of her subtree."""
    require_perm(by, "manage_users")
    if not unit.is_within(by.unit):
        raise ValidationError({"unit": _("只能为本单位及下级单位创建账号。")})
    if role not in Role.values:
        raise ValidationError({"role": _("角色无效。")})
    if not role_permissions(role) <= by.permission_names:
        raise ValidationError({"role": _("不能授予比自己权限更大的角色。")})
    if unit.level not in ROLE_LEVELS[role]:
        raise ValidationError({"role": _("“%(role)s”不能设在%(level)s单位。") % {
            "role": Role(role).label, "level": unit.get_level_display()}})


def _check_target(by: User, target: User) -> None:
    require_perm(by, "manage_users")
    if target.pk == by.pk:
        raise ValidationError(_("不能对自己的账号执行此操作。"))
    if target.unit is None or not target.unit.is_within(by.unit) or not role_permissions(target.role) <= by.permission_names:
        raise ValidationError(_("无权管理该账号。"))


def _revoke_api_tokens(user: User) -> None:
    """A reset password or a deactivated account also ends the API access it had."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


@transaction.atomic
def user_create(*, by: User, username: str, full_name: str, unit: OrgUnit, role: str, password: str,
                phone: str = "") -> User:
    _check_can_manage(by, unit, role)
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("用户名不能为空。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名“%(u)s”已被使用。") % {"u": username}})
    user = User(username=username, full_name=full_name.strip(), unit=unit, role=role, phone=phone.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=user, unit=unit,
                 changes={k: [None, v] for k, v in audit.snapshot(user, USER_AUDITED).items()})
    return user


@transaction.atomic
def user_update(*, by: User, user: User, full_name: str, phone: str, unit: OrgUnit, role: str) -> User:
    _check_target(by, user)
    _check_can_manage(by, unit, role)
    before = audit.snapshot(user, USER_AUDITED)
    user.full_name, user.phone, user.unit, user.role = full_name.strip(), phone.strip(), unit, role
    user.save(update_fields=["full_name", "phone", "unit", "role"])
    changes = audit.diff(before, audit.snapshot(user, USER_AUDITED))
    if changes:
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=user, unit=unit, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, by: User, user: User, password: str) -> User:
    _check_target(by, user)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    _revoke_api_tokens(user)
    # The password itself never reaches the audit trail.
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=user, unit=user.unit,
                 changes={"password": ["******", _("已重置")]})
    return user


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, password: str) -> User:
    """A user changes her own password: the old one must be right; API tokens are revoked."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确。")})
    if old_password == password:
        raise ValidationError({"password": _("新密码不能与原密码相同。")})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    _revoke_api_tokens(user)
    audit.record(actor=user, action=AuditEntry.Action.UPDATE, obj=user, unit=user.unit,
                 changes={"password": ["******", _("本人修改")]})
    return user


@transaction.atomic
def user_set_active(*, by: User, user: User, active: bool) -> User:
    _check_target(by, user)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _revoke_api_tokens(user)
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=user, unit=user.unit,
                     changes={"is_active": [not active, active]})
    return user


@transaction.atomic
def org_unit_create(*, by: User, parent: OrgUnit, code: str, name: str, level: str,
                    active_from: datetime.date | None = None, live_from: datetime.date | None = None) -> OrgUnit:
    require_perm(by, "manage_org")
    if not parent.is_within(by.unit):
        raise ValidationError({"parent": _("只能在本单位及下级单位下增设机构。")})
    code, name = code.strip(), name.strip()
    if len(code) != 12 or not code.isdigit():
        raise ValidationError({"code": _("统计区划代码必须是12位数字。")})
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("统计区划代码“%(c)s”已存在。") % {"c": code}})
    if not name:
        raise ValidationError({"name": _("名称不能为空。")})
    if LEVEL_RANK.get(level, -1) <= LEVEL_RANK[parent.level]:
        raise ValidationError({"level": _("层级必须低于上级单位的层级。")})
    # A new unit goes live when it opens, or today: it owes no report of a period before it.
    live_from = live_from or active_from or timezone.localdate()
    unit = OrgUnit(parent=parent, code=code, name=name, level=level, active_from=active_from, live_from=live_from)
    unit.full_clean()
    unit.save()
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=unit, unit=unit,
                 changes={"name": [None, name], "code": [None, code], "parent": [None, parent.name]})
    return unit


@transaction.atomic
def org_unit_set_live_from(*, by: User, unit: OrgUnit, live_from: datetime.date | None) -> OrgUnit:
    """The day the unit started using the product (上线日期): reports of periods ending before it are not owed."""
    require_perm(by, "manage_org")
    if not unit.is_within(by.unit):
        raise ValidationError(_("只能修改本单位及下级单位。"))
    if live_from and unit.active_to and live_from > unit.active_to:
        raise ValidationError({"live_from": _("上线日期不能晚于撤销日期。")})
    before = str(unit.live_from) if unit.live_from else None
    unit.live_from = live_from
    unit.save(update_fields=["live_from"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=unit, unit=unit,
                 changes={"live_from": [before, str(live_from) if live_from else None]})
    return unit


@transaction.atomic
def org_unit_close(*, by: User, unit: OrgUnit, active_to: datetime.date, note: str = "") -> OrgUnit:
    """Close a unit (merged or dissolved): it keeps its records and history, and stays in the tree."""
    require_perm(by, "manage_org")
    if unit.pk == by.unit_id or not unit.is_within(by.unit):
        raise ValidationError(_("只能撤销下级单位。"))
    if unit.active_from and active_to < unit.active_from:
        raise ValidationError({"active_to": _("撤销日期不能早于启用日期。")})
    before = str(unit.active_to) if unit.active_to else None
    unit.active_to = active_to
    if note:
        unit.note = note[:200]
    unit.save(update_fields=["active_to", "note"])
    changes = {"active_to": [before, str(active_to)]}
    if note:
        changes["note"] = [None, note]
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=unit, unit=unit, changes=changes)
    return unit


@transaction.atomic(savepoint=False)  # one INSERT: atomic by itself
def export_logged(*, by: User, object_type: str = "", object_repr: str = "", unit: OrgUnit | None = None,
                  obj: models.Model | None = None, changes: dict | None = None,
                  ip_address: str | None = None) -> AuditEntry:
    """An export or download of records, in the audit log: who, what, how many, from where.
    The view has checked the permission; every download goes through here (core.exports).
    One INSERT, atomic by itself: no savepoint around it (the export pages' query counts are pinned),
    as rights.services.export_logged."""
    return audit.record(actor=by, action=AuditEntry.Action.EXPORT, obj=obj, unit=unit, object_type=object_type,
                        object_repr=object_repr, changes=changes, ip_address=ip_address)


# Drill-down lists of these open the most sensitive records (petitions and violence, health):
# every page shown is logged, with the records on it.
SENSITIVE_PERMISSIONS = {"view_rights_cases", "view_health_data"}


@transaction.atomic(savepoint=False)  # one INSERT: atomic by itself, no savepoint per page
def figure_records_viewed(*, by: User, metric: Metric, unit: OrgUnit, period: Period, records: list,
                          ip_address: str | None = None) -> AuditEntry | None:
    """A page of the records behind a figure (core.views_figures) was shown: logged when they are
    sensitive, with the records on the page."""
    if not records or not ({metric.permission} & SENSITIVE_PERMISSIONS):
        return None
    return audit.record(actor=by, action=AuditEntry.Action.VIEW, unit=unit, object_type=f"metric:{metric.key}",
                        object_id=period.key, object_repr=f"{metric.label} · {unit.name} · {period.label}"[:200],
                        changes={"records": [r.pk for r in records]}, ip_address=ip_address)
