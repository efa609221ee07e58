"""Each rule of the rights area has one home; these pin that the places using it agree."""

import pytest

from banbiantian.core import audit
from banbiantian.rights import services
from banbiantian.rights.models import RightsPolicy

POLICY = {"number_format": "{short}妇信〔{year}〕{seq}号", "short_name": "", "reply_days": 10, "object_workdays": 5,
          "close_days": 45, "extension_max_days": 30, "review_request_days": 30, "review_answer_days": 30,
          "referral_reply_days": 10, "return_visit_days": 20, "dv_visit_offsets": "3，15"}


def test_a_policy_and_its_audit_row_commit_together(personas, tree, monkeypatch):
    """@transaction.atomic once sat on the format check above policy_save: a failed audit write left the
    policy saved without its audit row."""

    def failing_record(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.policy_save(by=personas.chair, unit=tree.township, data=POLICY)
    assert not RightsPolicy.objects.filter(unit=tree.township).exists()
