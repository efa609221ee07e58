"""Roles and the named permissions they grant.

A user has exactly one role; a role is a fixed set of permission names. Code asks for a
permission (`user.has_perm_name("edit_people")`), never for a role, so adding a role or
moving a permission is a change here only. ROLE_PERMISSIONS is the one policy table: an area
declares the permissions it defines (AreaConfig.permissions) and grants them to roles here;
the county admin holds every declared permission.
"""

import functools

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import areas


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县妇联管理员")
    COUNTY_STAFF = "county_staff", _("县妇联工作人员")
    COUNTY_RIGHTS = "county_rights", _("县妇联权益部干部")
    TOWNSHIP_CHAIR = "township_chair", _("乡镇妇联主席")
    TOWNSHIP_STAFF = "township_staff", _("乡镇妇联工作人员")
    VILLAGE_DIRECTOR = "village_director", _("村(社区)妇联主席/妇女主任")
    VIEWER = "viewer", _("只读查看")


# Core's own permissions; each area declares its own (AreaConfig.permissions).
CORE_PERMISSIONS = {
    "manage_users": _("管理下级账号"),
    "manage_org": _("维护组织机构"),
    "view_audit": _("查看审计日志"),
}
# Granted in the policy table below to a role that holds every permission declared, now or later.
EVERY_PERMISSION = frozenset({"*"})


def all_permissions() -> dict:
    """Permission name -> Chinese label: core's, then every declared area's (a name declared twice
    is a check error)."""
    return {**CORE_PERMISSIONS, **areas.area_permissions()}


_RIGHTS_OFFICER = {"register_rights_cases", "view_rights_cases", "edit_rights_cases", "approve_case_close",
                   "export_rights_cases"}
_CARE_MANAGER = {"view_care", "edit_care", "approve_care", "view_health_data"}
_PLANNER = {"view_plans", "edit_plans", "fill_forms", "approve_forms"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: EVERY_PERMISSION,
    # County staff run care, plans and statistics; rights cases are for the county's rights
    # officers only (a case is seen by its handling unit and by them, not by every county user).
    Role.COUNTY_STAFF: frozenset(
        {"view_people", "edit_people", "view_id_number", "export_personal_data", "import_data", "view_children",
         *_CARE_MANAGER, *_PLANNER}
    ),
    Role.COUNTY_RIGHTS: frozenset(
        {"view_people", "view_id_number", "view_minor_details", "view_children", "refer_without_consent", "view_plans",
         *_RIGHTS_OFFICER}
    ),
    Role.TOWNSHIP_CHAIR: frozenset(
        {"view_people", "edit_people", "view_id_number", "export_personal_data", "manage_users", "import_data",
         "view_children", *_RIGHTS_OFFICER, *_CARE_MANAGER, *_PLANNER}
    ),
    Role.TOWNSHIP_STAFF: frozenset(
        {"view_people", "edit_people", "import_data", "register_rights_cases", "view_rights_cases",
         "edit_rights_cases", "view_care", "edit_care", "view_plans", "fill_forms", "view_children"}
    ),
    # The village director registers people with the card in hand, but lists show her masked
    # numbers: the full number is shown only to those who must check it. She registers rights
    # cases and sees only those she registered or that are referred to her (no view_rights_cases).
    Role.VILLAGE_DIRECTOR: frozenset(
        {"view_people", "edit_people", "import_data", "register_rights_cases", "view_care", "edit_care",
         "view_plans", "fill_forms", "view_children"}
    ),
    # Read-only: the registry and the care records, never rights cases, health results or children's records.
    Role.VIEWER: frozenset({"view_people", "view_care", "view_plans"}),
}



def role_permissions(role: str) -> frozenset[str]:
    """The permission names a role grants (always through here: the county admin's set is every
    declared permission)."""
    granted = ROLE_PERMISSIONS[role]
    return _every_declared(areas.declared()) if granted == EVERY_PERMISSION else granted


@functools.lru_cache(maxsize=4)
def _every_declared(declared: tuple) -> frozenset[str]:
    # Keyed by the declared areas, so a test that installs an area sees its permissions at once.
    return frozenset(all_permissions())


def policy_errors() -> list[str]:
    """What is wrong with the policy table against the declared permissions (a system check)."""
    declared = set(all_permissions())
    errors = [f"role {role!r} has no entry in ROLE_PERMISSIONS" for role in set(Role.values) - set(ROLE_PERMISSIONS)]
    errors += [f"area {area.label!r} declares core's permission {name!r}"
               for area in areas.declared() for name in area.permissions if name in CORE_PERMISSIONS]
    for role, granted in ROLE_PERMISSIONS.items():
        if granted != EVERY_PERMISSION and granted - declared:
            errors.append(f"role {role!r} is granted undeclared permissions: {sorted(granted - declared)}")
    for area in areas.declared():
        if area.is_open and not area.entry_permissions <= declared:
            errors.append(f"area {area.label!r} is entered with undeclared permissions "
                          f"{sorted(area.entry_permissions - declared)}")
    return errors


# Which levels of unit each role belongs to: a village director sits in a village, a chair in a township.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset({"province", "city", "county"}),
    Role.COUNTY_STAFF: frozenset({"province", "city", "county"}),
    Role.COUNTY_RIGHTS: frozenset({"province", "city", "county"}),
    Role.TOWNSHIP_CHAIR: frozenset({"township"}),
    Role.TOWNSHIP_STAFF: frozenset({"township"}),
    Role.VILLAGE_DIRECTOR: frozenset({"village", "committee"}),
    Role.VIEWER: frozenset({"province", "city", "county", "township", "village", "committee"}),
}
