from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .access import scope, unit_subtree_ids
from .models import AuditEntry, Level, OrgUnit


def unit_tree(*, user) -> list[OrgUnit]:
    """The user's subtree in path order, each unit with `depth` relative to the user's unit."""
    units = list(scope(OrgUnit.objects.all(), user, "view_people").order_by("path"))
    base = user.unit.path.count("/")
    for unit in units:
        unit.depth = unit.path.count("/") - base
    return units


def child_units(unit: OrgUnit) -> QuerySet:
    return unit.children.order_by("code")


def unit_level_counts(*, user) -> dict[str, int]:
    """Units in the user's scope by level, today's only (a merged village no longer counts)."""
    today = timezone.localdate()
    active = OrgUnit.objects.open_on(today)
    rows = scope(active, user, "view_people").values("level").annotate(n=Count("id"))
    return {row["level"]: row["n"] for row in rows}


def roll_up(counts_by_unit: dict[int, int], parents: list[OrgUnit]) -> dict[int, int]:
    """Sum per-unit counts into the given units (each unit's whole subtree)."""
    paths = dict(OrgUnit.objects.filter(id__in=counts_by_unit).values_list("id", "path"))
    totals = {p.pk: 0 for p in parents}
    for unit_id, n in counts_by_unit.items():
        path = paths.get(unit_id, "")
        for parent in parents:
            if path.startswith(parent.path):
                totals[parent.pk] += n
                break
    return totals


def audit_list(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    if not user.has_perm_name("view_audit"):
        return AuditEntry.objects.none()
    # Entries about data in the subtree, and entries with no unit (logins) by users of the subtree.
    subtree = unit_subtree_ids(user.unit)
    visible = Q(unit__in=subtree) | Q(unit__isnull=True, actor__unit__in=subtree)
    if user.unit.parent_id is None:
        visible |= Q(unit__isnull=True, actor__isnull=True)  # failed logins with unknown user names
    qs = AuditEntry.objects.filter(visible)
    qs = qs.select_related("actor", "unit")
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor__username__icontains=filters["actor"])
    if filters.get("object_type"):
        kind = filters["object_type"]
        # "metric" (and other non-model kinds) are written as "metric:<key>".
        qs = qs.filter(Q(object_type=kind) | Q(object_type__startswith=f"{kind}:"))
    if filters.get("date_from"):
        qs = qs.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(at__date__lte=filters["date_to"])
    return qs


__all__ = ["Level", "unit_tree", "child_units", "unit_level_counts", "roll_up", "audit_list", "user_list"]


def user_list(*, user, q: str = "", unit=None, active: str = "") -> QuerySet:
    from .models import User

    qs = scope(User.objects.all(), user, "manage_users").select_related("unit")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if unit is not None:
        qs = qs.filter(unit__in=unit_subtree_ids(unit))
    if active in ("0", "1"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("unit__path", "role", "username")


def get_user_for_user(user, pk):
    from .access import get_for_user
    from .models import User

    return get_for_user(User.objects.select_related("unit"), user, pk, "manage_users")
