from django.urls import reverse

from . import areas


def navigation(request):
    """The menu: every declared area with a menu entry, in menu order. An open area is shown to a
    user holding one of its entry permissions (the permission its home page asks for), so no menu
    entry leads to a 403; an area declared but not built is shown to everyone as 尚未开放."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = request.resolver_match.app_name if request.resolver_match else ""
    held = request.user.permission_names
    nav = [
        {"key": area.label, "label": area.menu_label, "url": reverse(area.home_url) if area.is_open else None,
         "active": area.label == current}
        for area in areas.menu()
        if not area.is_open or area.entry_permissions & held
    ]
    return {"nav_areas": nav, "perms_named": held}
