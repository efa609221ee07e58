"""The people registry's metrics: registered women, children, people and households, and the
members of each special group.

Stock figures ("期末在册") count what was registered by the end of the period; flow figures
("期内新登记") what was registered during it. Both are taken "as of" the period's end, or today
while the period is still running, and a person's age (adult: 18 or over) at that same date —
so this year's figures equal the dashboard's live counts on the same day, and the women newly
registered this year are never more than the women registered; a special group counts the people whose
membership was active on at least one day of the period. Each record belongs to exactly one
village, so every figure here adds up over the tree.
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from banbiantian.core.access import scope, unit_subtree_ids
from banbiantian.core.metrics import FLOW, STOCK, Metric, Period, register, subtree_values

from .models import GroupMembership, Household, Person

ADULT_AGE = 18

# The special groups of migration 0002 (codes are stable; a group a county adds later has no
# metric of its own but still counts in people.special_group_people).
GROUPS = [
    ("left_behind_women", _("留守妇女")),
    ("poor_mothers", _("贫困母亲")),
    ("single_poor_mothers", _("单亲特困母亲")),
    ("disabled_women", _("残疾妇女")),
    ("sick_women", _("病患妇女")),
    ("landless_jobless_women", _("失地失业妇女")),
    ("empty_nest_elderly", _("空巢老人")),
    ("left_behind_children", _("留守儿童")),
    ("migrant_children", _("流动儿童")),
    ("children_in_plight", _("困境儿童")),
    ("disabled_children", _("残疾儿童")),
]


def _midnight_after(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the installation's time zone (created_at is aware)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _adult_on(day: datetime.date) -> Q:
    try:
        latest = day.replace(year=day.year - ADULT_AGE)
    except ValueError:  # 29 February
        latest = day.replace(year=day.year - ADULT_AGE, day=28)
    return Q(birth_date__lte=latest)


def as_of(period: Period) -> datetime.date:
    """The date a stock figure and a person's age are taken at: the period's end, or today
    while the period is still running."""
    return min(period.end, timezone.localdate())


def _registered_by(period: Period) -> Q:
    return Q(created_at__lt=_midnight_after(as_of(period)))


def _registered_in(period: Period) -> Q:
    return Q(created_at__gte=_midnight_after(period.start - datetime.timedelta(days=1)),
             created_at__lt=_midnight_after(as_of(period)))


def _women(period: Period) -> Q:
    return Q(sex="F") & _adult_on(as_of(period))


def _children(period: Period) -> Q:
    return ~_adult_on(as_of(period)) & Q(birth_date__isnull=False)


PERSON_CONDITIONS = {
    "people.persons": _registered_by,
    "people.women": lambda p: _registered_by(p) & _women(p),
    "people.women_new": lambda p: _registered_in(p) & _women(p),
    "people.children": lambda p: _registered_by(p) & _children(p),
}


def _person_values(key):
    def values(units, period):
        return subtree_values(Person.objects.filter(PERSON_CONDITIONS[key](period)), "unit__path", units)

    return values


def _person_records(key):
    def records(user, unit, period):
        people = scope(Person.objects.all(), user, "view_people")
        return (people.filter(PERSON_CONDITIONS[key](period), unit__in=unit_subtree_ids(unit))
                .select_related("unit").order_by("unit__path", "name", "id"))

    return records


def _person_link(person) -> str:
    return reverse("people:detail", args=[person.pk])


PERSON_COLUMNS = (
    (_("姓名"), lambda p: p.name),
    (_("性别"), lambda p: p.get_sex_display()),
    (_("身份证号"), lambda p: p.id_number_masked or "—"),  # masked, as the people list shows it
    (_("出生日期"), lambda p: p.birth_date.isoformat() if p.birth_date else "—"),
    (_("村(社区)"), lambda p: p.unit.name),
    (_("登记时间"), lambda p: timezone.localtime(p.created_at).strftime("%Y-%m-%d")),
)

for _key, _label, _basis, _help in [
    ("people.persons", _("登记人员（期末在册）"), STOCK,
     _("截至统计期末（本期尚未结束的截至今日）已登记的全部人员，含未成年人。")),
    ("people.women", _("登记妇女（18周岁以上，期末在册）"), STOCK,
     _("截至统计期末（本期尚未结束的截至今日）已登记、届时年满18周岁的女性；不含未成年女童。")),
    ("people.women_new", _("新登记妇女（18周岁以上，期内登记）"), FLOW,
     _("统计期内（本期尚未结束的截至今日）新登记、届时年满18周岁的女性；是“登记妇女”中本期新登记的部分。")),
    ("people.children", _("登记未成年人（不满18周岁，期末在册）"), STOCK,
     _("截至统计期末（本期尚未结束的截至今日）已登记、届时未满18周岁的人员，男女都计。")),
]:
    register(Metric(_key, _label, _("人"), "people", values=_person_values(_key), records=_person_records(_key),
                    columns=PERSON_COLUMNS, link=_person_link, permission="view_people", help_text=_help,
                    basis=_basis))


# --- households -------------------------------------------------------------------------------

def _household_values(units, period):
    return subtree_values(Household.objects.filter(_registered_by(period)), "unit__path", units)


def _household_records(user, unit, period):
    households = scope(Household.objects.all(), user, "view_people")
    return (households.filter(_registered_by(period), unit__in=unit_subtree_ids(unit))
            .select_related("unit").prefetch_related("members").order_by("unit__path", "id"))


register(Metric(
    "people.households", _("登记家庭户（期末在册）"), _("户"), "people",
    values=_household_values, records=_household_records, permission="view_people",
    columns=((_("户"), str), (_("家庭住址"), lambda h: h.address or "—"), (_("村(社区)"), lambda h: h.unit.name),
             (_("人数"), lambda h: len(h.members.all()))),
    help_text=_("截至统计期末已登记的家庭户。"), basis=STOCK,
))


# --- special groups ---------------------------------------------------------------------------

def _active_in(period: Period) -> Q:
    return Q(start_date__lte=period.end) & (Q(end_date__isnull=True) | Q(end_date__gte=period.start))


def _members(period: Period, code: str | None):
    memberships = GroupMembership.objects.filter(_active_in(period))
    return memberships.filter(group__code=code) if code else memberships


def _group_values(code):
    def values(units, period):
        # A person counts once even with two spells in the group during the period.
        return subtree_values(_members(period, code), "person__unit__path", units,
                              Count("person", distinct=True))

    return values


def _group_records(code):
    def records(user, unit, period):
        people = scope(Person.objects.all(), user, "view_people")
        return (people.filter(unit__in=unit_subtree_ids(unit), pk__in=_members(period, code).values("person_id"))
                .select_related("unit").order_by("unit__path", "name", "id"))

    return records


for _code, _name in GROUPS:
    register(Metric(
        f"people.group.{_code}", format_lazy("{}{}", _name, _("（期内在册）")), _("人"), "people",
        values=_group_values(_code), records=_group_records(_code), columns=PERSON_COLUMNS, link=_person_link,
        permission="view_people", help_text=_("统计期内任一天在该特殊群体中的人员（期内在册），一人只计一次。"),
        basis=STOCK,
    ))

register(Metric(
    "people.special_group_people", _("特殊群体人员（期内在册）"), _("人"), "people",
    values=_group_values(None), records=_group_records(None), columns=PERSON_COLUMNS, link=_person_link,
    permission="view_people", help_text=_("统计期内任一天属于任一特殊群体的人员，一人只计一次。"), basis=STOCK,
))
