"""What every write to a case shares: the fields a user edits, the version check under a lock, the
timeline step with its audit row, and who may touch a case."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry

from .. import selectors
from ..models import (
    Case,
    CaseEvent,
)

EDITABLE_FIELDS = [
    "channel", "category", "respondent", "respondent_relation", "request", "narrative", "injuries",
    "current_address", "reporter_name", "reporter_phone", "confidential", "consent_share", "consent_contact",
    "skip_level", "lacks_capacity", "received_on",
]
AUDITED = [f for f in EDITABLE_FIELDS if f not in ("narrative", "injuries", "current_address")]
ENCRYPTED = ("narrative", "injuries", "current_address")


class CaseConflict(ValidationError):
    """Someone else saved the case since this page was opened."""

    def __init__(self, differences: list[tuple[str, object, object]]):
        self.differences = differences
        super().__init__(_("该案件已被他人修改，您的保存未生效。请核对以下差异后重新操作。"))


def _label(field: str) -> str:
    return str(Case._meta.get_field(field).verbose_name)


def _display(case: Case, field: str):
    value = getattr(case, field)
    f = Case._meta.get_field(field)
    if f.choices:
        return dict(f.choices).get(value, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else str(value)


def _lock(case: Case, version) -> Case:
    """The case re-read under a lock; CaseConflict when its version moved on."""
    current = Case.objects.select_for_update().select_related("unit", "petitioner", "category").get(pk=case.pk)
    if version is not None and int(version) != current.version:
        fields = [f for f in ["status", *EDITABLE_FIELDS, "outcome", "risk_level"] if f not in ENCRYPTED]
        diffs = [(_label(f), _display(current, f), _display(case, f)) for f in fields
                 if getattr(current, f if f != "category" else "category_id") !=
                 getattr(case, f if f != "category" else "category_id")]
        if any(getattr(current, f) != getattr(case, f) for f in ENCRYPTED):
            diffs.append((_("反映情况/伤情/现住址"), _("已被修改"), _("（内容不在此显示）")))
        if not diffs:
            last = current.events.order_by("-at", "-id").select_related("actor").first()
            diffs = [(_("当前状态"), current.get_status_display(),
                      _("您打开页面后，%(who)s 已办理“%(what)s”") % {"who": last.actor, "what": last.kind}
                      if last else "")]
        raise CaseConflict(diffs)
    return current


def _save(case: Case, by, kind: str, note: str = "", changes: dict | None = None,
          action=AuditEntry.Action.UPDATE) -> Case:
    case.version = F("version") + 1
    case.save()
    case.refresh_from_db(fields=["version"])
    CaseEvent.objects.create(case=case, actor=by, kind=kind, note=note)
    audit.record(actor=by, action=action, obj=case, changes={"stage": kind, **(changes or {})})
    return case


def _require_case(by, case: Case, perm: str = "edit_rights_cases") -> None:
    require_perm(by, perm)
    if not selectors.may_open(by, case):
        raise PermissionDenied


def _require_status(case: Case, allowed, message: str) -> None:
    if case.status not in allowed:
        raise ValidationError(message)


def _require_mandatory_report(case: Case) -> None:
    if case.needs_mandatory_report and not (case.mandatory_report_to and case.mandatory_report_at):
        raise ValidationError({"mandatory_report_to": _(
            "受害人是未成年人或无(限制)民事行为能力人，须先填写强制报告（向谁报告、报告时间），才能办理。")})
