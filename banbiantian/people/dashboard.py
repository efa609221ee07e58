from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.access import scope
from banbiantian.core.selectors import child_units, roll_up

from .models import GroupMembership, Person, SpecialGroup
from .selectors import age_band_range

LOOKUP_BY_PERSON_UP_TO = 20_000  # people in scope; above it one pass over the memberships is cheaper


def people_panel(user) -> dict | None:
    """Live counts for the user's scope: 4 queries whatever the size of the county."""
    if not user.has_perm_name("view_people"):
        return None
    people = scope(Person.objects.all(), user, "view_people")
    _earliest, latest_adult = age_band_range("18-")
    # Counting unit_id (never null) rather than id needs no column outside the person_unit_stats
    # index (migration 0003), so both databases count from the index alone.
    totals = people.aggregate(  # query 1: totals
        total=Count("unit_id"),
        women=Count("unit_id", filter=Q(sex="F", birth_date__lte=latest_adult)),
        children=Count("unit_id", filter=Q(birth_date__gt=latest_adult)),
        duplicates=Count("unit_id", filter=Q(possible_duplicate=True)),
    )
    today = timezone.localdate()
    current = GroupMembership.objects.filter(start_date__lte=today).exclude(end_date__lt=today)
    if totals["total"] <= LOOKUP_BY_PERSON_UP_TO:
        # A village or a township: look its people's memberships up person by person.
        current = current.filter(person__in=people)
    else:
        # A county or more: one pass over the memberships, joined to their people's units,
        # instead of a lookup (or a hash) per person in scope.
        current = scope(current, user, "view_people")
    by_group = dict(current.values_list("group_id").annotate(n=Count("id")).order_by())  # query 2: per group
    url = reverse("people:home")
    cards = [
        {"label": _("登记人员"), "value": totals["total"], "url": url},
        {"label": _("18周岁以上妇女"), "value": totals["women"]},
        {"label": _("未成年人"), "value": totals["children"], "url": f"{url}?age_band=0-17"},
        {"label": _("疑似重复"), "value": totals["duplicates"], "url": f"{url}?duplicates=on"},
    ]
    for group in SpecialGroup.objects.all():  # query 3: the groups
        cards.append({"label": group.name, "value": by_group.get(group.pk, 0), "url": f"{url}?group={group.pk}"})
    panel = {"title": _("人员与特殊群体"), "cards": cards}
    children = list(child_units(user.unit))
    if children:
        per_unit = dict(people.values_list("unit_id").annotate(n=Count("unit_id")).order_by())  # query 4: per unit
        rolled = roll_up(per_unit, children)  # query 5: unit paths
        panel["table"] = {
            "headers": [_("下级单位"), _("登记人员")],
            "rows": [(c.name, rolled[c.pk]) for c in children],
        }
    return panel
