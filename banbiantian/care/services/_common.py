"""Checks every care service shares: money in yuan and fen, the unit in the user's scope, the person within
the programme's unit."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Programme

CENT = Decimal("0.01")


def clean_money(*, value: object, field: str, label: str, required: bool = True) -> Decimal | None:
    """A positive amount in yuan with at most two decimal places, or a ValidationError naming the field."""
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("%(label)s不能为空。") % {"label": label}})
        return None
    if isinstance(value, float):
        raise ValidationError({field: _("%(label)s必须是精确的金额。") % {"label": label}})
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: _("%(label)s“%(v)s”不是有效的金额。") % {"label": label, "v": value}}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("%(label)s必须大于零。") % {"label": label}})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("%(label)s最多保留两位小数(到分)。") % {"label": label}})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: _("%(label)s超出允许范围。") % {"label": label}})
    return amount.quantize(CENT)


def _within(by, unit, field="unit", *, new=True):
    """A unit in the user's scope; for a new record (`new`), also open today: a merged village takes none."""
    if not unit.is_within(by.unit):
        raise ValidationError({field: _("所选单位不在您的管辖范围内。")})
    if new and not unit.is_active:
        raise ValidationError({field: _("“%(u)s”已撤销或尚未启用，不能再登记新的记录，请选择现有单位。") % {"u": unit.name}})


def _check_person_in_programme(programme: Programme, person, field="person"):
    if not person.unit.is_within(programme.unit):
        raise ValidationError({field: _("“%(name)s”不在项目“%(p)s”的组织单位(%(u)s)范围内。") % {
            "name": person.name, "p": programme.name, "u": programme.unit.name}})
