"""Reads of the import log, always scoped to the user's unit and to the registries she may see."""

from django.db.models import Q, QuerySet

from banbiantian.core.access import scope

from . import engine
from .models import ImportJob


def job_list(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = scope(ImportJob.objects.select_related("unit", "created_by"), user, "import_data")
    # Jobs of a registry she may not see (rights cases without view_rights_cases) only when she uploaded them.
    hidden = [name for name in engine.registry_names() if not engine.get_registry(name).sees_others_jobs(user)]
    if hidden:
        qs = qs.filter(~Q(registry__in=hidden) | Q(created_by=user))
    if filters.get("registry"):
        qs = qs.filter(registry=filters["registry"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=filters["date_to"])
    return qs

