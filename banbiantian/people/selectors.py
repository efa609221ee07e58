import datetime

from django.db import connections
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from banbiantian.core.access import get_for_user, scope, unit_subtree_ids

from .models import GroupMembership, Household, Person
from .search import NAME_PREFIX_MIN, name_prefix_q, prefix_q, query_kind, search_q

_PATH_CHARS = "/0123456789"  # in byte order


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_band_range(band: str, today: datetime.date | None = None) -> tuple[datetime.date | None, datetime.date | None]:
    """(born after, born on or before) for an age band such as '18-35' or '60-'."""
    today = today or timezone.localdate()
    low, _, high = band.partition("-")
    latest = _years_ago(today, int(low)) if low else None  # at least `low` years old
    earliest = _years_ago(today, int(high) + 1) if high else None  # younger than high + 1
    return earliest, latest


def person_list(*, user, q: str = "", unit=None, group=None, age_band: str = "", duplicates: bool = False) -> QuerySet:
    """The people `user` may see, filtered, in unit-path order.

    The search box: an ID number (or its last four characters), a phone, pinyin initials or full pinyin, or a name. A name
    finds every name containing it, except that a query of three or more characters which
    begins some names in the result finds those names only, read from the name index instead
    of testing every name in the scope ("王秀英" finds 王秀英 and 王秀英子; "秀英" still finds
    王秀英 and 李秀英).
    """
    qs = scope(Person.objects.all(), user, "view_people").select_related("unit")
    vendor = connections[qs.db].vendor
    kind = query_kind(q)
    if kind in ("", "name") and getattr(user, "unit_id", None) and vendor == "sqlite":
        # The scope's subtree said once more, as a range on the joined unit's path: SQLite then
        # walks the units in path order and each unit's people in (unit, name, id) order on
        # person_unit_name, and stops at the page's last row instead of sorting the whole
        # county. Not for ID-number, phone and pinyin searches, which start from their own
        # index. (Paths are digits and "/", in byte order in SQLite; PostgreSQL finds the
        # ordered plan by itself, and its collation may not order "/" before the digits.)
        qs = qs.filter(prefix_q("unit__path", user.unit.path, _PATH_CHARS))
    if unit is not None:
        qs = qs.filter(unit_id__in=unit_subtree_ids(unit))
    if group is not None:
        today = timezone.localdate()
        qs = qs.filter(pk__in=GroupMembership.objects.filter(group=group, start_date__lte=today).exclude(
            end_date__lt=today).values("person_id"))
    if age_band:
        earliest, latest = age_band_range(age_band)
        if earliest:
            qs = qs.filter(birth_date__gt=earliest)
        if latest:
            qs = qs.filter(birth_date__lte=latest)
    if duplicates:
        qs = qs.filter(possible_duplicate=True)
    text = q.strip()
    if kind == "name" and len(text) >= NAME_PREFIX_MIN:
        starting = qs.filter(name_prefix_q(text, vendor))
        if starting.exists():
            qs = starting
            kind = ""
    condition = search_q(q) if kind else None
    if condition is not None:
        qs = qs.filter(condition)
    return qs.order_by("unit__path", "name", "id")


def get_person_for_user(user, pk, perm: str = "view_people") -> Person:
    queryset = Person.objects.select_related("unit", "household", "guardian", "created_by").prefetch_related(
        Prefetch("memberships", queryset=GroupMembership.objects.select_related("group")),
    )
    return get_for_user(queryset, user, pk, perm)


def get_household_for_user(user, pk, perm: str = "view_people") -> Household:
    return get_for_user(Household.objects.select_related("unit"), user, pk, perm)


def household_members(household: Household) -> QuerySet:
    return household.members.select_related("unit").order_by("relation_to_head", "birth_date")


def same_person_q(person: Person):
    """Others in her village with her name and her phone or her birth date: the rule of the 疑似重复 flag (None
    when she has neither)."""
    from django.db.models import Q

    same = Q()
    if person.phone:
        same |= Q(phone=person.phone)
    if person.birth_date:
        same |= Q(birth_date=person.birth_date)
    if not same:
        return None
    return same & Q(unit_id=person.unit_id, name=person.name) & ~Q(pk=person.pk)


def duplicate_candidates(*, user, person: Person) -> QuerySet:
    """The records a 疑似重复 flag is about, among those `user` may edit."""
    same = same_person_q(person)
    if same is None:
        return Person.objects.none()
    return scope(Person.objects.filter(same), user, "edit_people").select_related("unit").order_by("created_at", "pk")
