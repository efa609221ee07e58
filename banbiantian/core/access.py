"""The one access rule.

A user sees her own unit's subtree, limited by her role's named permissions. Every queryset
of org-owned data goes through `scope()`; every fetch of one object goes through
`get_for_user()` (wrapped per model as `get_<thing>_for_user`), which answers 404 for
"not yours" and "missing" alike so a tampered URL learns nothing.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import OrgUnit


def unit_subtree_ids(unit: OrgUnit) -> QuerySet:
    """Ids of the unit and every unit below it, as a subquery (one indexed LIKE on path)."""
    return OrgUnit.objects.filter(path__startswith=unit.path).values("id")


def require_perm(user, perm: str) -> None:
    if not user.is_authenticated or not user.has_perm_name(perm):
        raise PermissionDenied


def scope(queryset: QuerySet, user, perm: str) -> QuerySet:
    """Limit `queryset` to what `user` may see with permission `perm`.

    The model names the path to its owning unit in `scope_field` ("unit", "person__unit"…);
    OrgUnit itself is scoped by its own path. No permission or no unit gives an empty queryset.
    """
    if not user.is_authenticated or not user.has_perm_name(perm):
        return queryset.none()
    model = queryset.model
    if model is OrgUnit:
        return queryset.filter(path__startswith=user.unit.path)
    field = getattr(model, "scope_field", None)
    if field is None:
        raise TypeError(f"{model.__name__} has no scope_field; it cannot be scoped to a unit")
    return queryset.filter(**{f"{field}__in": unit_subtree_ids(user.unit)})


def scope_with_ancestors(queryset: QuerySet, user, perm: str) -> QuerySet:
    """`scope()` plus the rows owned by the units above the user's: what a unit carries out but does not
    own (a village runs the county's programme, so it sees it; changing it stays with the county, which
    asks scope() for that). The one rule for records seen "with ancestors"."""
    if not user.is_authenticated or not user.has_perm_name(perm):
        return queryset.none()
    field = getattr(queryset.model, "scope_field", None)
    if field is None:
        raise TypeError(f"{queryset.model.__name__} has no scope_field; it cannot be scoped to a unit")
    above = OrgUnit.objects.filter(code__in=user.unit.path.rstrip("/").split("/")[:-1]).values("id")
    return queryset.filter(Q(**{f"{field}__in": unit_subtree_ids(user.unit)}) | Q(**{f"{field}__in": above}))


def get_for_user(queryset: QuerySet, user, pk, perm: str, *, with_ancestors: bool = False) -> Model:
    """One object the user may see (`with_ancestors`: as scope_with_ancestors sees them), or 404 (missing
    and not-yours look the same)."""
    rows = scope_with_ancestors(queryset, user, perm) if with_ancestors else scope(queryset, user, perm)
    try:
        return rows.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unit_for_user(user, pk, perm: str = "view_people") -> OrgUnit:
    return get_for_user(OrgUnit.objects.all(), user, pk, perm)


def permission_required(perm: str):
    """View decorator: 403 unless the user's role grants `perm`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_perm(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
