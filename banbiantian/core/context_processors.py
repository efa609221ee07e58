from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Areas in the order of the federation's own work plans. An area without a url is shown
# as 尚未开放 instead of a link; a module switches itself on by naming its url here.
AREAS = [
    ("people", _("人员信息"), "people:list"),
    ("organisation", _("组织建设"), None),
    ("rights", _("维权信访"), "rights:home"),
    ("care", _("关爱帮扶"), "care:home"),
    ("development", _("发展"), None),
    ("families", _("家庭"), None),
    ("activities", _("活动"), None),
    ("planning", _("计划统计"), "planning:home"),
]
# A user is shown the link to an open area only if she holds one of these permissions
# (the permission its home page asks for), so no menu entry leads to a 403.
AREA_PERMISSIONS = {
    "people": {"view_people"},
    "rights": {"view_rights_cases", "register_rights_cases"},
    "care": {"view_care"},
    "planning": {"view_plans"},
}


def _url(name):
    try:
        return reverse(name) if name else None
    except NoReverseMatch:  # the area's app does not serve pages yet
        return None


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = request.resolver_match.app_name if request.resolver_match else ""
    held = request.user.permission_names
    areas = [
        {"key": key, "label": label, "url": _url(url_name), "active": key == current}
        for key, label, url_name in AREAS
        if not url_name or AREA_PERMISSIONS[key] & held
    ]
    return {"nav_areas": areas, "perms_named": held}
