"""Every statforms URL × every persona: page, 403 (role) or 404 (not hers).

Designing forms needs manage_forms (the county); approving needs approve_forms at a unit above
the report's; unlocking needs unlock_forms (the county). A new view must be added here:
core's `test_matrix_covers_every_url` fails otherwise.
"""

import pytest

from banbiantian.core.testing import matrix
from banbiantian.statforms import services
from banbiantian.statforms.models import Cell, Rule

from .conftest import PERIOD, fill

OK = dict.fromkeys(matrix.PERSONAS, 200)
MANAGE = {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}
MANAGE_POST = {**MANAGE, "county": 302}
FILL_POST = {"county": 302, "chair": 302, "village_a": 302, "village_b": 302, "viewer": 403}
REPORT_A = {**OK, "village_b": 404}
FILL_A = {"county": 302, "chair": 302, "village_a": 302, "village_b": 404, "viewer": 403}
APPROVE = {"county": 302, "chair": 302, "village_a": 403, "village_b": 403, "viewer": 403}
UNLOCK = {"county": 302, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}

MATRIX = [
    ("statforms:home", None, "get", OK),
    ("statforms:status", None, "get", OK),
    ("statforms:summary", None, "get", OK),
    ("statforms:summary_xlsx", None, "get", OK),
    ("statforms:chart", None, "get", OK),
    ("statforms:form_create", None, "get", MANAGE),
    ("statforms:form", "form", "get", OK),
    ("statforms:form_edit", "form", "get", MANAGE),
    ("statforms:cell_add", "form", "post", MANAGE_POST),
    ("statforms:rule_add", "form", "post", MANAGE_POST),
    ("statforms:report_open", "form", "post", FILL_POST),
    ("statforms:cell_delete", "cell", "post", MANAGE_POST),
    ("statforms:rule_delete", "rule", "post", MANAGE_POST),
    ("statforms:report", "draft", "get", REPORT_A),
    ("statforms:report_submit", "draft", "post", FILL_A),
    ("statforms:report_approve", "submitted", "post", APPROVE),
    ("statforms:report_return", "submitted", "post", APPROVE),
    ("statforms:report_unlock", "approved", "post", UNLOCK),
    ("statforms:batch_approve", None, "post", APPROVE),
    ("statforms:remind", None, "post", APPROVE),
    ("statforms:mark_absent", None, "post", APPROVE),
]
DATA = {
    "statforms:cell_add": lambda t: {"code": "Z9", "row_label": "新指标", "order": 9, "value_type": "count"},
    "statforms:rule_add": lambda t: {"kind": "le", "left": "C", "right": "B", "blocking": "on", "message": "x"},
    "statforms:report_open": lambda t: {"period": PERIOD.previous().key},
    "statforms:report_return": lambda t: {"reason": "请核实"},
    "statforms:report_unlock": lambda t: {"reason": "更正"},
    "statforms:batch_approve": lambda t: {"report": t["submitted"]},
    "statforms:remind": lambda t: {"form": t["form"], "unit": t["village_a"], "period": PERIOD.key},
    "statforms:mark_absent": lambda t: {"form": t["form"], "unit": t["village_a"], "period": PERIOD.key,
                                        "reason": "未联系上"},
}
QUERY = {name: lambda t: {"form": t["form"]} for name in
         ("statforms:summary", "statforms:summary_xlsx", "statforms:chart")}


@pytest.fixture
def targets(form, reports, personas, tree):
    spare = Cell.objects.create(form=form, code="Z", row_label="备用", order=99)
    fill(reports.a, personas.village_a, B=10, C=4, D=6)
    earlier = services.report_open(form=form, period=PERIOD.previous(), by=personas.village_a)
    services.report_submit(report=earlier, by=personas.village_a)
    approved = services.report_open(form=form, period=PERIOD.previous().previous(), by=personas.village_a)
    services.report_submit(report=approved, by=personas.village_a)
    services.report_approve(report=approved, by=personas.chair)
    return {"form": form.pk, "cell": spare.pk, "rule": Rule.objects.filter(form=form).first().pk,
            "draft": reports.a.pk, "submitted": earlier.pk, "approved": approved.pk,
            "village_a": tree.village_a.pk}


test_permission_matrix, test_wrong_method_is_405, test_anonymous_is_sent_to_login = matrix.page_tests(
    MATRIX, data={**QUERY, **DATA})
