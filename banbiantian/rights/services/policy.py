"""A unit's own case-number format and deadlines, within the 信访工作条例's ceilings."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, OrgUnit, User

from ..models import RightsPolicy

# Legal ceilings from the 信访工作条例: a unit may be stricter, never looser.
POLICY_CEILINGS = {"reply_days": 15, "close_days": 60, "extension_max_days": 30, "review_answer_days": 30}
POLICY_FIELDS = ["number_format", "short_name", "reply_days", "object_workdays", "close_days", "extension_max_days",
                 "review_request_days", "review_answer_days", "referral_reply_days", "return_visit_days",
                 "dv_visit_offsets"]


def _number_format_error(fmt: str) -> str | None:
    """Why a case-number format cannot be used, or None. Only the bare names {short}, {year} and {seq}
    (a width such as {seq:03d} is fine); {year} is required, else numbers would repeat every year."""
    import string

    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name is not None]
        fmt.format(short="东塘", year=2026, seq=1)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return _("编号格式只能使用 {short}、{year}、{seq}，且花括号须成对。")
    if any(name not in ("short", "year", "seq") for name in names):
        return _("编号格式只能使用 {short}、{year}、{seq}，且花括号须成对。")
    if "seq" not in names:
        return _("编号格式必须包含 {seq}（当年序号）。")
    if "year" not in names:
        return _("编号格式必须包含 {year}（年份），否则每年的编号会重复。")
    return None


@transaction.atomic
def policy_save(*, by: User, unit: OrgUnit, number_format: str, short_name: str, reply_days: int,
                object_workdays: int, close_days: int, extension_max_days: int, review_request_days: int,
                review_answer_days: int, referral_reply_days: int, return_visit_days: int,
                dv_visit_offsets: str) -> RightsPolicy:
    """A unit's own case-number format and deadlines (the chair of that unit, or above): the whole settings
    page (POLICY_FIELDS)."""

    require_perm(by, "approve_case_close")
    data = dict(number_format=number_format, short_name=short_name, reply_days=reply_days,
                object_workdays=object_workdays, close_days=close_days, extension_max_days=extension_max_days,
                review_request_days=review_request_days, review_answer_days=review_answer_days,
                referral_reply_days=referral_reply_days, return_visit_days=return_visit_days,
                dv_visit_offsets=dv_visit_offsets)
    if not unit.is_within(by.unit):
        raise PermissionDenied
    errors = {}
    for field, ceiling in POLICY_CEILINGS.items():
        value = data.get(field)
        if value is not None and not 1 <= value <= ceiling:
            errors[field] = _("依照《信访工作条例》，该期限须在1到%(n)s天之间。") % {"n": ceiling}
    fmt = data.get("number_format") or ""
    format_error = _number_format_error(fmt)
    if format_error:
        errors["number_format"] = format_error
    offsets = (data.get("dv_visit_offsets") or "").replace("，", ",")
    if not offsets or not all(x.strip().isdigit() for x in offsets.split(",")):
        errors["dv_visit_offsets"] = _("请填写用逗号分隔的天数，如 7,30,90。")
    if errors:
        raise ValidationError(errors)
    policy = RightsPolicy.objects.filter(unit=unit).first() or RightsPolicy(unit=unit)
    before = audit.snapshot(policy, POLICY_FIELDS) if policy.pk else {}
    for field in POLICY_FIELDS:
        if field in data:
            setattr(policy, field, data[field] if data[field] is not None else "")
    policy.dv_visit_offsets = offsets
    policy.save()
    audit.record(actor=by, action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, obj=policy,
                 unit=unit, changes=audit.diff(before, audit.snapshot(policy, POLICY_FIELDS)))
    return policy
