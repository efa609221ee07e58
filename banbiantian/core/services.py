"""Writes to org units and accounts. Every function is atomic and audited."""

import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.lib.errors import Errors

from . import audit, lockout
from .access import require_perm
from .metrics import Metric, Period
from .models import LEVEL_RANK, AuditEntry, OrgUnit, User
from .roles import ROLE_LEVELS, Role, role_permissions

USER_AUDITED = ["username", "full_name", "phone", "unit", "role", "is_active"]


def _check_can_manage(by: User, unit: OrgUnit, role: str) -> None:
    """A manager may give only roles no stronger than her own, in units of her subtree."""
    require_perm(by, "manage_users")
    errors = Errors()
    if not unit.is_within(by.unit):
        errors.add("unit", _("只能为本单位及下级单位创建账号。"))
    if role not in Role.values:
        errors.add("role", _("角色无效。"))
    elif not role_permissions(role) <= by.permission_names:
        errors.add("role", _("不能授予比自己权限更大的角色。"))
    elif unit.level not in ROLE_LEVELS[role]:
        errors.add("role", _("“%(role)s”不能设在%(level)s单位。") % {
            "role": Role(role).label, "level": unit.get_level_display()})
    errors.raise_if_any()


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
    errors = Errors()  # every bad field at once
    with errors.collect():
        _check_can_manage(by, unit, role)
    with errors.collect():
        _check_open(unit)
    username = username.strip()
    if not username:
        errors.add("username", _("用户名不能为空。"))
    elif User.objects.filter(username__iexact=username).exists():
        errors.add("username", _("用户名“%(u)s”已被使用。") % {"u": username})
    user = User(username=username, full_name=full_name.strip(), unit=unit, role=role, phone=phone.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", message)
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=user, unit=unit,
                 changes={k: [None, v] for k, v in audit.snapshot(user, USER_AUDITED).items()})
    return user


@transaction.atomic
def user_update(*, by: User, user: User, full_name: str, phone: str, unit: OrgUnit, role: str) -> User:
    _check_target(by, user)
    _check_can_manage(by, unit, role)
    if unit.pk != user.unit_id:
        _check_open(unit)
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
    was_locked = lockout.is_locked(user.username)
    lockout.clear(user.username)  # a new password is the usual way out of a lockout
    # The password itself never reaches the audit trail.
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=user, unit=user.unit,
                 changes={"password": ["******", _("已重置")], **({"locked": [True, False]} if was_locked else {})})
    return user


@transaction.atomic
def user_unlock(*, by: User, user: User) -> User:
    """An account locked after too many failed logins may log in again at once (from every address)."""
    _check_target(by, user)
    if not lockout.is_locked(user.username):
        raise ValidationError(_("账号“%(u)s”未被锁定。") % {"u": user.username})
    lockout.clear(user.username)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=user, unit=user.unit,
                 changes={"locked": [True, False]})
    return user


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, password: str) -> User:
    """A user changes her own password: the old one must be right; API tokens are revoked."""
    errors = Errors()
    if not user.check_password(old_password):
        errors.add("old_password", _("原密码不正确。"))
    if old_password == password:
        errors.add("password", _("新密码不能与原密码相同。"))
    errors.raise_if_any()
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


def _check_open(unit: OrgUnit) -> None:
    """A unit taking a new account is open today, as the unit pickers offer."""
    if not unit.is_active:
        raise ValidationError({"unit": _("“%(u)s”已撤销或尚未启用，不能再登记新的记录，请选择现有单位。") % {"u": unit.name}})


@transaction.atomic
def org_unit_create(*, by: User, parent: OrgUnit, code: str, name: str, level: str,
                    active_from: datetime.date | None = None, live_from: datetime.date | None = None) -> OrgUnit:
    require_perm(by, "manage_org")
    if not parent.is_within(by.unit):
        raise ValidationError({"parent": _("只能在本单位及下级单位下增设机构。")})
    if not parent.is_active_during(timezone.localdate(), datetime.date.max):  # closed, not merely opening later
        raise ValidationError({"parent": _("上级单位“%(u)s”已撤销，不能在其下增设机构。") % {"u": parent.name}})
    code, name = code.strip(), name.strip()
    errors = Errors()
    if len(code) != 12 or not code.isdigit():
        errors.add("code", _("统计区划代码必须是12位数字。"))
    if OrgUnit.objects.filter(code=code).exists():
        errors.add("code", _("统计区划代码“%(c)s”已存在。") % {"c": code})
    if not name:
        errors.add("name", _("名称不能为空。"))
    if LEVEL_RANK.get(level, -1) <= LEVEL_RANK[parent.level]:
        errors.add("level", _("层级必须低于上级单位的层级。"))
    errors.raise_if_any()
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


# Drill-down lists of these open the most sensitive records (petitions and violence, health, children):
# every page shown is logged, with the records on it.
SENSITIVE_PERMISSIONS = {"view_rights_cases", "view_health_data", "view_children"}


@transaction.atomic(savepoint=False)  # one INSERT: atomic by itself, no savepoint per page
def figure_records_viewed(*, by: User, metric: Metric, unit: OrgUnit, period: Period, records: list,
                          ip_address: str | None = None) -> AuditEntry | None:
    """A page of the records behind a figure (core.views_figures) was shown: logged when they are
    sensitive, with the records on the page."""
    if not records or not ({metric.permission} & SENSITIVE_PERMISSIONS):
        return None
    return audit.record(actor=by, action=AuditEntry.Action.VIEW, unit=unit, object_type=f"metric:{metric.key}",
                        object_id=period.key, object_repr=f"{metric.label} · {unit.name} · {period.label}"[:200],
                        changes={"records": audit.named_records(records)}, ip_address=ip_address)


@transaction.atomic(savepoint=False)  # one INSERT: atomic by itself, no savepoint per page
def records_viewed(*, by: User, object_type: str, what: str, records: list,
                   ip_address: str | None = None) -> AuditEntry | None:
    """A page (or a file) showed these sensitive records: ONE audit entry naming them all, not one per
    row. The records are the women or children seen, named in the entry; one person's entry has her
    id as its object id. The entry belongs to their unit when they share one, else to the viewer's."""
    if not records:
        return None
    named = audit.named_records(records)
    units = {getattr(r, "unit_id", None) for r in records}
    unit_id = units.pop() if len(units) == 1 else by.unit_id
    return audit.record(actor=by, action=AuditEntry.Action.VIEW, unit=OrgUnit(pk=unit_id) if unit_id else None,
                        object_type=object_type, object_id=str(named[0]["id"]) if len(named) == 1 else "",
                        object_repr=(f"{what} · {named[0]['name']}" if len(named) == 1
                                     else f"{what} · {len(named)}人")[:200],
                        changes={"records": named}, ip_address=ip_address)
