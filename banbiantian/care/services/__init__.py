"""Writes to the care records, by topic. Every public function that writes is atomic and audited in the same
transaction. Callers use the package: `from banbiantian.care import services; services.benefit_create(...)`.
"""

from ._common import (
    CENT,
    clean_money,
)
from .benefits import (
    benefit_create,
    holiday_round_record,
)
from .census import (
    census_child_add,
    census_round_create,
    childrens_home_create,
)
from .consent import (
    active_consent,
    consent_record,
    consent_withdraw,
)
from .corrections import (
    benefit_reverse,
    census_carry_over,
    census_child_update,
    census_child_void,
    fund_entry_reverse,
    insurance_claim_reverse,
    insurance_policy_update,
    insurance_policy_void,
    screening_result_update,
    screening_result_void,
    spring_bud_aid_reverse,
    spring_bud_update,
    visit_update,
    visit_void,
)
from .funds import (
    fund_balance,
    fund_create,
    fund_entry_create,
)
from .health import (
    campaign_create,
    log_health_views,
    relief_apply,
    relief_eligibility_error,
    relief_policy_create,
    relief_transition,
    screening_result_record,
)
from .insurance import (
    insurance_claim_create,
    insurance_policy_create,
)
from .pairing import (
    pairing_create,
    pairing_end,
    visit_create,
)
from .programmes import (
    PROGRAMME_FIELDS,
    enrolment_create,
    enrolment_transition,
    programme_create,
    programme_update,
)
from .spring_bud import (
    spring_bud_aid,
    spring_bud_left_school,
    spring_bud_register,
)

__all__ = [
    "CENT",
    "clean_money",
    "PROGRAMME_FIELDS",
    "programme_create",
    "programme_update",
    "enrolment_create",
    "enrolment_transition",
    "pairing_create",
    "pairing_end",
    "visit_create",
    "fund_balance",
    "fund_create",
    "fund_entry_create",
    "benefit_create",
    "holiday_round_record",
    "active_consent",
    "consent_record",
    "consent_withdraw",
    "campaign_create",
    "screening_result_record",
    "log_health_views",
    "relief_eligibility_error",
    "relief_policy_create",
    "relief_apply",
    "relief_transition",
    "spring_bud_register",
    "spring_bud_aid",
    "spring_bud_left_school",
    "childrens_home_create",
    "census_round_create",
    "census_child_add",
    "insurance_policy_create",
    "insurance_claim_create",
    "benefit_reverse",
    "fund_entry_reverse",
    "spring_bud_aid_reverse",
    "insurance_claim_reverse",
    "visit_update",
    "visit_void",
    "census_child_update",
    "census_child_void",
    "census_carry_over",
    "spring_bud_update",
    "insurance_policy_update",
    "insurance_policy_void",
    "screening_result_update",
    "screening_result_void",
]
