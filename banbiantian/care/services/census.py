"""留守儿童普查: children's homes, the yearly census rounds and the children in them."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, OrgUnit, User
from banbiantian.lib.errors import Errors
from banbiantian.people.models import Person

from ..models import (
    CensusChild,
    CensusRound,
    ChildrensHome,
)
from ._common import _within
from .consent import _require_child_basis


@transaction.atomic
def childrens_home_create(*, by: User, unit: OrgUnit, name: str, address: str = "") -> ChildrensHome:
    require_perm(by, "edit_care")
    _within(by, unit)
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写名称。")})
    home = ChildrensHome.objects.create(unit=unit, name=name.strip(), address=address)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=home, changes=audit.snapshot(home))
    return home


@transaction.atomic
def census_round_create(*, by: User, unit: OrgUnit, year: int, name: str) -> CensusRound:
    require_perm(by, "edit_care")
    _within(by, unit)
    if CensusRound.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("%(u)s%(y)s年的普查已建立。") % {"u": unit.name, "y": year}})
    census = CensusRound.objects.create(unit=unit, year=year, name=(name or "").strip() or f"{year}年留守儿童普查")
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=census, changes=audit.snapshot(census))
    return census


@transaction.atomic
def census_child_add(*, by: User, census: CensusRound, child: Person, guardian: str,
                     father_whereabouts: str = "", mother_whereabouts: str = "", school: str = "",
                     needs: str = "", home: ChildrensHome | None = None) -> CensusChild:
    require_perm(by, "edit_care")
    if not child.unit.is_within(census.unit):
        raise ValidationError({"child": _("“%(n)s”不在本次普查的单位范围内。") % {"n": child.name}})
    if child.age is None or child.age >= 18:
        raise ValidationError({"child": _("普查对象应为未满十八周岁的儿童(请先登记出生日期)。")})
    _require_child_basis(child)
    errors = Errors()
    if not (guardian or "").strip():
        errors.add("guardian", _("请填写监护人。"))
    if CensusChild.objects.filter(round=census, child=child, voided_at__isnull=True).exists():
        errors.add("child", _("“%(n)s”已在本次普查中。") % {"n": child.name})
    errors.raise_if_any()
    row = CensusChild.objects.create(round=census, child=child, guardian=guardian,
                                     father_whereabouts=father_whereabouts, mother_whereabouts=mother_whereabouts,
                                     school=school, needs=needs, home=home)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=row, unit=child.unit,
                 changes={"round": str(census)})
    return row
