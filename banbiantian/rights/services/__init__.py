"""Writes to rights cases, by topic. Every public function is atomic, audited, and (on a case) puts a step
on the case's timeline. Callers use the package: `from banbiantian.rights import services;
services.case_register(...)`.
"""

from ._case import (
    AUDITED,
    EDITABLE_FIELDS,
    ENCRYPTED,
    CaseConflict,
)
from .acceptance import (
    case_accept,
    case_object,
    case_reject,
    extension_decide,
    extension_request,
)
from .access_log import (
    case_opened,
    dv_cases_listed,
    export_logged,
)
from .attachments import (
    ALLOWED_TYPES,
    attachment_add,
    attachment_limit_bytes,
)
from .closing import (
    case_answer_review,
    case_approve_close,
    case_propose_close,
    case_request_review,
    case_return_close,
    case_return_visit,
)
from .corrections import (
    mediation_correct,
    screening_correct,
    visit_correct,
)
from .handling import (
    case_assign,
    case_refer,
    case_village_followup,
    mediation_add,
    referral_reply,
)
from .policy import (
    POLICY_CEILINGS,
    POLICY_FIELDS,
    policy_save,
)
from .reference_data import (
    category_add,
    category_set_active,
    holiday_delete,
    holiday_set,
)
from .registration import (
    case_import_historic,
    case_register,
    case_update,
)
from .screening import (
    SCREENING_MAX,
    check_screening_counts,
    month_start,
    screening_report,
)
from .violence import (
    DV_FIELDS,
    case_assess_risk,
    case_followup_visit,
    case_update_dv,
    visit_record,
)

__all__ = [
    "EDITABLE_FIELDS",
    "AUDITED",
    "ENCRYPTED",
    "CaseConflict",
    "case_register",
    "case_import_historic",
    "case_update",
    "case_accept",
    "case_reject",
    "case_object",
    "extension_request",
    "extension_decide",
    "case_refer",
    "referral_reply",
    "mediation_add",
    "case_propose_close",
    "case_approve_close",
    "case_return_close",
    "case_return_visit",
    "case_request_review",
    "case_answer_review",
    "case_assign",
    "case_village_followup",
    "case_assess_risk",
    "DV_FIELDS",
    "case_update_dv",
    "visit_record",
    "case_followup_visit",
    "ALLOWED_TYPES",
    "attachment_limit_bytes",
    "attachment_add",
    "case_opened",
    "dv_cases_listed",
    "export_logged",
    "SCREENING_MAX",
    "month_start",
    "screening_report",
    "check_screening_counts",
    "screening_correct",
    "mediation_correct",
    "visit_correct",
    "POLICY_CEILINGS",
    "POLICY_FIELDS",
    "policy_save",
    "category_add",
    "category_set_active",
    "holiday_set",
    "holiday_delete",
]
