"""Roles and the named permissions they grant.

A user has exactly one role; a role is a fixed set of permission names. Code asks for a
permission (`user.has_perm_name("edit_people")`), never for a role, so adding a role or
moving a permission is a change here only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县妇联管理员")
    COUNTY_STAFF = "county_staff", _("县妇联工作人员")
    TOWNSHIP_CHAIR = "township_chair", _("乡镇妇联主席")
    TOWNSHIP_STAFF = "township_staff", _("乡镇妇联工作人员")
    VILLAGE_DIRECTOR = "village_director", _("村(社区)妇联主席/妇女主任")
    VIEWER = "viewer", _("只读查看")


# Permission name -> Chinese label (shown on the user pages).
PERMISSIONS = {
    "view_people": _("查看人员信息"),
    "edit_people": _("登记和修改人员信息"),
    "view_id_number": _("查看完整身份证号"),
    "export_personal_data": _("导出个人信息"),
    "manage_users": _("管理下级账号"),
    "manage_org": _("维护组织机构"),
    "view_audit": _("查看审计日志"),
}

_ALL = set(PERMISSIONS)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset(_ALL),
    Role.COUNTY_STAFF: frozenset({"view_people", "edit_people", "view_id_number", "export_personal_data"}),
    Role.TOWNSHIP_CHAIR: frozenset(
        {"view_people", "edit_people", "view_id_number", "export_personal_data", "manage_users"}
    ),
    Role.TOWNSHIP_STAFF: frozenset({"view_people", "edit_people"}),
    # The village director registers people with the card in hand, but lists show her masked
    # numbers: the full number is shown only to those who must check it.
    Role.VILLAGE_DIRECTOR: frozenset({"view_people", "edit_people"}),
    Role.VIEWER: frozenset({"view_people"}),
}

assert set(ROLE_PERMISSIONS) == set(Role.values)
assert all(perms <= _ALL for perms in ROLE_PERMISSIONS.values())


# Which levels of unit each role belongs to: a village director sits in a village, a chair in a township.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset({"province", "city", "county"}),
    Role.COUNTY_STAFF: frozenset({"province", "city", "county"}),
    Role.TOWNSHIP_CHAIR: frozenset({"township"}),
    Role.TOWNSHIP_STAFF: frozenset({"township"}),
    Role.VILLAGE_DIRECTOR: frozenset({"village", "committee"}),
    Role.VIEWER: frozenset({"province", "city", "county", "township", "village", "committee"}),
}
