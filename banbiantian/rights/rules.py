"""Pure rules: the deadlines of the 信访工作条例 and the DV risk checklist."""

import datetime
import re

from django.utils.translation import gettext_lazy as _

from banbiantian.core.models import Level, OrgUnit

from .models import RightsPolicy, RiskLevel

# The DV risk checklist. Any "danger" item answered yes makes the level 危险 whatever the score;
# otherwise the weights add up: ≥4 高, ≥2 中, else 低.
RISK_QUESTIONS = [
    ("threat_kill", _("施暴人曾威胁要杀死受害人、子女或自杀"), "danger"),
    ("weapon", _("施暴人曾使用或威胁使用刀具等凶器"), "danger"),
    ("strangle", _("施暴人曾掐脖子或使受害人窒息"), "danger"),
    ("escalating", _("暴力次数或严重程度近期增加"), 2),
    ("injured", _("受害人受伤需要就医"), 2),
    ("breach", _("施暴人曾违反告诫书或保护令"), 2),
    ("fear", _("受害人担心自己被杀害"), 2),
    ("children", _("受害人怀孕，或有未成年子女目睹暴力"), 1),
    ("substance", _("施暴人酗酒、吸毒或赌博"), 1),
    ("separating", _("受害人正在或打算分居、离婚"), 1),
]
RISK_KEYS = [q[0] for q in RISK_QUESTIONS]


def risk_level(answers: dict) -> str:
    score = 0
    for key, _label, weight in RISK_QUESTIONS:
        if answers.get(key):
            if weight == "danger":
                return RiskLevel.DANGER
            score += weight
    if score >= 4:
        return RiskLevel.HIGH
    if score >= 2:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def holiday_calendar(start: datetime.date, end: datetime.date) -> tuple[set, set]:
    """(days off, weekend days worked) between the two dates, from the holiday calendar (one query)."""
    from .models import Holiday

    off, work = set(), set()
    for day, kind in Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind"):
        (work if kind == Holiday.Kind.WORK else off).add(day)
    return off, work


def is_workday(day: datetime.date, calendar: tuple[set, set]) -> bool:
    off, work = calendar
    return day in work or (day.weekday() < 5 and day not in off)


def add_workdays(start: datetime.date, days: int, calendar: tuple[set, set] | None = None) -> datetime.date:
    """`days` working days after `start`: Monday–Friday, minus the public holidays, plus the weekend days
    worked instead (调休), as the holiday calendar has them."""
    if calendar is None:
        calendar = holiday_calendar(start, start + datetime.timedelta(days=2 * days + 60))
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_workday(day, calendar):
            days -= 1
    return day


def add_months(start: datetime.date, months: int) -> datetime.date:
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(start)


_DEFAULT = RightsPolicy()


def policy_for(unit: OrgUnit) -> RightsPolicy:
    """The unit's policy, else its nearest ancestor's, else the 信访工作条例 defaults (one query)."""
    codes = unit.path.rstrip("/").split("/")
    found = {p.unit.code: p for p in RightsPolicy.objects.filter(unit__code__in=codes).select_related("unit")}
    for code in reversed(codes):
        if code in found:
            return found[code]
    return _DEFAULT


_SUFFIX = re.compile(r"(街道|社区|镇|乡|县|区|市|村)$")


def short_name(unit: OrgUnit, policy: RightsPolicy) -> str:
    return policy.short_name or _SUFFIX.sub("", unit.name) or unit.name


def format_number(unit: OrgUnit, policy: RightsPolicy, year: int, seq: int) -> str:
    return policy.number_format.format(short=short_name(unit, policy), year=year, seq=seq)


def handling_unit(unit: OrgUnit) -> OrgUnit:
    """The unit that handles a case registered at `unit`: a village's (or a residents' committee's) case,
    registered there or found in its old register, is handled by its township federation."""
    if unit.level in (Level.VILLAGE, Level.COMMITTEE) and unit.parent_id:
        return unit.parent
    return unit
