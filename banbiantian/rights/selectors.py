"""Reads of rights cases. `case_list` and `get_case_for_user` are the only ways to cases: they apply
the access rule, the rights-specific narrowing and confidentiality in one place.

Who sees a case:
- roles with view_rights_cases (township chair and staff, county rights officers): cases whose
  handling unit is in their subtree — not every user in the subtree, since village directors and
  viewers lack the permission;
- roles with only register_rights_cases (village directors): the cases they registered or that
  were handed to them for follow-up.
"""

import datetime
import functools
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from banbiantian.core.access import scope, unit_subtree_ids

from .models import OPEN_STATUSES, Case, DisputeScreening, Referral, RiskLevel, Status, Visit


def visible_records(queryset: QuerySet, user, case: str = "") -> QuerySet:
    """`queryset` (of cases, or of a case's records reached by the lookup `case`, e.g. "case") limited to
    the cases the user may open. On a case's records the rule is applied through the join, not as an
    `IN (every visible case id)` list, so a county-wide reminder list does not first gather every case."""
    prefix = f"{case}__" if case else ""
    if not user.is_authenticated or user.unit_id is None:
        return queryset.none()
    if user.has_perm_name("view_rights_cases"):
        return scope(queryset, user, "view_rights_cases")
    if user.has_perm_name("register_rights_cases"):
        return queryset.filter(Q(**{f"{prefix}registered_by": user}) | Q(**{f"{prefix}assigned_to": user}))
    return queryset.none()


def _visible(user) -> QuerySet:
    return visible_records(Case.objects.all(), user)


def may_open(user, case: Case) -> bool:
    """Whether the user may open the case, and so act on it: the case list's rule asked of one row (the
    services refuse what the list would not show, with no second copy of the rule to drift)."""
    return visible_records(Case.objects.filter(pk=case.pk), user).exists()


def assignable_directors(case: Case) -> QuerySet:
    """Who a case may be handed to for follow-up (交村跟进): the active village directors of its handling
    unit's subtree — the choices the form offers and the check the service makes."""
    from banbiantian.core.models import User
    from banbiantian.core.roles import Role

    return User.objects.filter(role=Role.VILLAGE_DIRECTOR, is_active=True, unit__path__startswith=case.unit.path)


def _ancestor_paths(path: str) -> list[str]:
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _approver_rows(unit_paths, perm: str) -> list[tuple[int, str]]:
    """(user pk, unit path) of the active users holding `perm` in the units at or above those paths: one query."""
    from banbiantian.core.models import User
    from banbiantian.core.roles import Role, role_permissions

    roles = [role for role in Role.values if perm in role_permissions(role)]
    paths = {p for path in unit_paths for p in _ancestor_paths(path)}
    return list(User.objects.filter(is_active=True, role__in=roles, unit__path__in=paths)
                .values_list("pk", "unit__path"))


def _nearest(rows, unit_path: str, exclude: int | None) -> list[int]:
    """Of the approvers, those of the nearest unit at or above the case's: the chair of the handling
    township when she is not the one asking, else the county's officers."""
    mine = [(pk, path) for pk, path in rows if unit_path.startswith(path) and pk != exclude]
    if not mine:
        return []
    depth = max(len(path) for _pk, path in mine)
    return [pk for pk, path in mine if len(path) == depth]


def close_approvers(case: Case, *, asked_by: int | None = None, perm: str = "approve_case_close"):
    """Who must approve what `asked_by` asked on the case (办结, 延期): a second person holding `perm`, at the
    nearest unit at or above the handling unit that has one — named on the case and put on their 待办."""
    from banbiantian.core.models import User

    rows = _approver_rows([case.unit.path], perm)
    pks = _nearest(rows, case.unit.path, asked_by)
    return list(User.objects.filter(pk__in=pks).select_related("unit").order_by("unit__path", "username"))


class Waiting(NamedTuple):
    """A case waiting for a decision, as a to-do line needs it."""

    pk: int
    close_due: datetime.date | None


def awaiting_decision(user) -> tuple[list[Waiting], list[Waiting]]:
    """(cases whose closing, cases whose extension, waits for this user's approval): those she may open
    where she is one of the nearest approvers and not the one who asked. Queries: the two lists (plain
    rows: a county has thousands proposed below it), the approvers; the nearest approvers worked out once
    per unit and asker, not once per case."""
    if not user.has_perm_name("approve_case_close"):
        return [], []
    closing = list(_visible(user).filter(status=Status.CLOSE_PROPOSED).exclude(close_proposed_by=user)
                   .order_by("close_due", "id").values_list("pk", "unit__path", "close_due", "close_proposed_by_id"))
    extending = list(_visible(user).filter(extension__decision="pending").exclude(extension__requested_by=user)
                     .order_by("close_due", "id")
                     .values_list("pk", "unit__path", "close_due", "extension__requested_by_id"))
    if not closing and not extending:
        return [], []
    rows = _approver_rows({path for _pk, path, _due, _by in closing + extending}, "approve_case_close")

    @functools.cache
    def hers(path: str, asker: int | None) -> bool:
        return user.pk in _nearest(rows, path, asker)

    return ([Waiting(pk, due) for pk, path, due, asker in closing if hers(path, asker)],
            [Waiting(pk, due) for pk, path, due, asker in extending if hers(path, asker)])


def petitioner_label(case: Case, *, minors_ok: bool = False) -> str:
    """The petitioner as a list or an export may show her: a confidential case never shows the name, a
    minor's only to those with view_minor_details (`minors_ok`)."""
    from django.utils.translation import gettext as _

    person = case.petitioner
    if case.confidential:
        return _("（保密）")
    if person.is_minor and not minors_ok:
        return _("%(s)s某（未成年人）") % {"s": person.name[:1]}
    return person.name


def case_list(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = _visible(user).select_related("unit", "category", "petitioner")
    q = (filters.get("q") or "").strip()
    if q:
        # A confidential case is never found by its petitioner's name.
        qs = qs.filter(Q(number__icontains=q) | Q(petitioner__name__startswith=q, confidential=False))
    for key in ("status", "channel", "category"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("unit") is not None:
        qs = qs.filter(unit__in=unit_subtree_ids(filters["unit"]))
    if filters.get("dv"):
        qs = qs.filter(is_dv=True)
    if filters.get("high_risk"):
        qs = qs.filter(risk_level__in=[RiskLevel.HIGH, RiskLevel.DANGER]).filter(status__in=OPEN_STATUSES)
    if filters.get("repeat"):
        qs = qs.filter(is_repeat=True)
    if filters.get("skip_level"):
        qs = qs.filter(skip_level=True)
    if filters.get("date_from"):
        qs = qs.filter(received_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(received_on__lte=filters["date_to"])
    due = filters.get("due")
    if due:
        today = timezone.localdate()
        if due == "overdue":
            return _overdue(qs, today)
        qs = qs.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=7))
        return qs.order_by("due_on", "id")
    return qs.order_by("-received_on", "-id")


def overdue_q(today: datetime.date) -> Q:
    """A case is overdue when its stage's deadline has passed or a referral of it awaits a reply past due."""
    late_referrals = Referral.objects.filter(replied_on__isnull=True, reply_due__lt=today)
    return Q(due_on__lt=today) | Q(pk__in=late_referrals.values("case_id"))


def _overdue(qs: QuerySet, today: datetime.date) -> QuerySet:
    """Cases with a deadline still open and past: the stage's (`due_on`, kept by Case.save — a closed
    case's is its return visit, a visited one has none), or a referral awaiting a reply past its due date.
    Each row carries `referral_due` (the earliest unanswered referral's) so it can say which deadline is
    missed; ordered by the earliest missed deadline. Still one query."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce, Least

    first_reply_due = (Referral.objects.filter(case=OuterRef("pk"), replied_on__isnull=True)
                       .order_by("reply_due").values("reply_due")[:1])
    return (qs.filter(overdue_q(today))
            .annotate(referral_due=Subquery(first_reply_due))
            .annotate(first_due=Least(Coalesce("due_on", "referral_due"), Coalesce("referral_due", "due_on")))
            .order_by("first_due", "id"))


def get_case_for_user(user, pk) -> Case:
    """One case the user may open, else 404 (missing and not-hers look the same). The caller logs the opening."""
    try:
        return _visible(user).select_related(
            "unit", "category", "petitioner", "petitioner__unit", "registered_by", "assigned_to", "repeat_of",
            "extension", "extension__requested_by", "extension__decided_by").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def case_timeline(case: Case):
    return case.events.select_related("actor").order_by("at", "id")


def earlier_cases(person, *, user) -> tuple[list[Case], int]:
    """The person's earlier cases the user may see (the case list's rule), and how many other
    non-confidential cases of hers exist that the user may not see — only the count is told, never their
    number, category, status or unit; confidential cases outside her view are not even counted."""
    visible = list(_visible(user).filter(petitioner=person).select_related("unit", "category")
                   .order_by("-received_on", "-id")[:20])
    others = (Case.objects.filter(petitioner=person, confidential=False)
              .exclude(pk__in=_visible(user).filter(petitioner=person).values("pk")).count())
    return visible, others


REPEAT_OFFER_DAYS = 30


def recent_same_matter(earlier: list[Case], *, category, received_on) -> Case | None:
    """The earlier case (of `earlier_cases`) a petition registered again looks like: the same category,
    received within REPEAT_OFFER_DAYS. `category` and `received_on` are as posted (a pk, an ISO date)."""
    try:
        category_id = int(category)
    except (TypeError, ValueError):
        return None
    try:
        on = datetime.date.fromisoformat(received_on) if received_on else timezone.localdate()
    except ValueError:
        on = timezone.localdate()
    return next((c for c in earlier if c.category_id == category_id
                 and abs((on - c.received_on).days) <= REPEAT_OFFER_DAYS), None)


def pending_referrals(*, user, limit: int = 50) -> list[Referral]:
    return list(visible_records(Referral.objects.filter(replied_on__isnull=True), user, "case")
                .select_related("case__unit", "case__petitioner").order_by("reply_due", "id")[:limit])


def pending_visits(*, user, limit: int = 50) -> list[Visit]:
    today = timezone.localdate()
    return list(visible_records(Visit.objects.filter(done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=7)),
                        user, "case")
                .select_related("case__unit", "case__petitioner").order_by("due_on", "id")[:limit])


def protection_orders(*, user, limit: int = 50) -> list[Case]:
    """Orders awaiting a ruling, and granted orders expiring within 30 days."""
    today = timezone.localdate()
    return list(_visible(user).filter(
        Q(order_applied_at__isnull=False, order_granted_on__isnull=True)
        | Q(order_expires_on__gte=today, order_expires_on__lte=today + datetime.timedelta(days=30)))
        .filter(status__in=[*OPEN_STATUSES, Status.CLOSED]).select_related("unit", "petitioner")
        .order_by("order_expires_on", "id")[:limit])


def repeat_petitioners(*, user, limit: int = 100) -> list[dict]:
    """重复信访: petitioners with a visible case marked, at registration, as the same matter as an earlier
    case — not merely anyone with two cases (a woman may rightly bring two different matters). `n` is her
    same-matter repeat cases, `last` the latest one's received date. Names are masked as petitioner_label
    masks them: when any of her visible cases is confidential the row carries only "（保密）" and no link
    to the person; a minor's name shows only to those with view_minor_details."""
    from django.db.models import Max
    from django.utils.translation import gettext as _

    from banbiantian.people.models import Person

    minors_ok = user.has_perm_name("view_minor_details")
    visible = _visible(user)
    rows = list(visible.filter(petitioner__in=visible.filter(is_repeat=True).values("petitioner"))
                .values("petitioner_id", "petitioner__name", "petitioner__birth_date")
                .annotate(n=Count("id", filter=Q(is_repeat=True)), total=Count("id"),
                          last=Max("received_on", filter=Q(is_repeat=True)),
                          n_confidential=Count("id", filter=Q(confidential=True)))
                .order_by("-n", "-last", "petitioner_id")[:limit])
    for row in rows:
        row["confidential"] = row["n_confidential"] > 0
        name = row.pop("petitioner__name") or ""
        if row["confidential"]:
            row["name"] = _("（保密）")
            row["petitioner_id"] = None
        elif not minors_ok and Person(birth_date=row["petitioner__birth_date"]).is_minor:
            row["name"] = _("%(s)s某（未成年人）") % {"s": name[:1]}
        else:
            row["name"] = name
        del row["petitioner__birth_date"]
    return rows


def screening_status(*, user, month: datetime.date) -> tuple[list, list]:
    """(reports of the month, villages of the subtree that have not reported) — two queries."""
    from banbiantian.core.models import Level, OrgUnit

    reports = list(scope(DisputeScreening.objects.filter(month=month), user, "register_rights_cases")
                   .select_related("unit", "reported_by").order_by("unit__path"))
    reported = {r.unit_id for r in reports}
    # The villages that may still file (the form offers only these): a merged one is no longer owed.
    villages = scope(OrgUnit.objects.filter(level=Level.VILLAGE).open_on(timezone.localdate()), user,
                     "register_rights_cases").order_by("path")
    # Nor is a village that went live (上线日期) after the month.
    month_end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    missing = [v for v in villages if v.pk not in reported and not (v.owes_from and v.owes_from > month_end)]
    return reports, missing
