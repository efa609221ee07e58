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
    COUNTY_RIGHTS = "county_rights", _("县妇联权益部干部")
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
    "import_data": _("从Excel导入数据"),
    # 维权信访 (rights): the most sensitive records; see banbiantian/rights.
    "register_rights_cases": _("登记维权信访案件"),
    "view_rights_cases": _("查看本辖区维权信访案件"),
    "edit_rights_cases": _("办理维权信访案件"),
    "approve_case_close": _("审批案件办结"),
    "refer_without_consent": _("未经本人同意转办案件"),
    "export_rights_cases": _("导出维权信访案件"),
    "view_minor_details": _("查看和导出未成年人身份信息"),
    # 关爱帮扶 (care)
    "view_care": _("查看关爱帮扶记录"),
    "edit_care": _("登记关爱帮扶记录"),
    "approve_care": _("审核帮扶申请和救助"),
    "view_health_data": _("查看健康筛查结果"),
    # 计划统计 (planning and statistical forms)
    "view_plans": _("查看计划、目标和统计报表"),
    "edit_plans": _("制定年度计划和目标"),
    "fill_forms": _("填报统计报表"),
    "approve_forms": _("审核下级统计报表"),
    "unlock_forms": _("解锁已审核的统计报表"),
    "manage_forms": _("设计统计报表"),
}

_ALL = set(PERMISSIONS)

_RIGHTS_OFFICER = {"register_rights_cases", "view_rights_cases", "edit_rights_cases", "approve_case_close",
                   "export_rights_cases"}
_CARE_MANAGER = {"view_care", "edit_care", "approve_care", "view_health_data"}
_PLANNER = {"view_plans", "edit_plans", "fill_forms", "approve_forms"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset(_ALL),
    # County staff run care, plans and statistics; rights cases are for the county's rights
    # officers only (a case is seen by its handling unit and by them, not by every county user).
    Role.COUNTY_STAFF: frozenset(
        {"view_people", "edit_people", "view_id_number", "export_personal_data", "import_data",
         *_CARE_MANAGER, *_PLANNER}
    ),
    Role.COUNTY_RIGHTS: frozenset(
        {"view_people", "view_id_number", "view_minor_details", "refer_without_consent", "view_plans",
         *_RIGHTS_OFFICER}
    ),
    Role.TOWNSHIP_CHAIR: frozenset(
        {"view_people", "edit_people", "view_id_number", "export_personal_data", "manage_users", "import_data",
         *_RIGHTS_OFFICER, *_CARE_MANAGER, *_PLANNER}
    ),
    Role.TOWNSHIP_STAFF: frozenset(
        {"view_people", "edit_people", "import_data", "register_rights_cases", "view_rights_cases",
         "edit_rights_cases", "view_care", "edit_care", "view_plans", "fill_forms"}
    ),
    # The village director registers people with the card in hand, but lists show her masked
    # numbers: the full number is shown only to those who must check it. She registers rights
    # cases and sees only those she registered or that are referred to her (no view_rights_cases).
    Role.VILLAGE_DIRECTOR: frozenset(
        {"view_people", "edit_people", "import_data", "register_rights_cases", "view_care", "edit_care",
         "view_plans", "fill_forms"}
    ),
    # Read-only: the registry and the care records, never rights cases or health results.
    Role.VIEWER: frozenset({"view_people", "view_care", "view_plans"}),
}

assert set(ROLE_PERMISSIONS) == set(Role.values)
assert all(perms <= _ALL for perms in ROLE_PERMISSIONS.values())


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
