"""What a cell accepts, and each rule kind over a whole report."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from banbiantian.statforms.checks import evaluate, parse_cell
from banbiantian.statforms.models import Cell, Rule, State

from .conftest import entries


def _cell(value_type="count"):
    return Cell(code="X", row_label="女性劳动力", value_type=value_type)


def test_zero_not_applicable_and_missing_are_three_things():
    cell = _cell()
    zero = parse_cell(cell, "0")
    assert (zero.state, zero.number) == (State.NUMBER, Decimal(0))
    na = parse_cell(cell, "", not_applicable=True)
    assert (na.state, na.number) == (State.NOT_APPLICABLE, None)
    missing = parse_cell(cell, "  ")
    assert (missing.state, missing.number) == (State.MISSING, None)
    assert {zero.text, na.text, missing.text} == {"0", "不适用", "未填报"}


@pytest.mark.parametrize("value_type, raw, reason", [
    ("count", "十二", "请填写数字"),
    ("count", "-3", "不能为负数"),
    ("count", "2.5", "必须是整数"),
    ("share", "100.5", "不能超过100%"),
    ("amount", "1.234", "两位小数"),
    ("amount", "1e30", "超出范围"),
])
def test_bad_cell_values_are_refused_with_the_cell_named(value_type, raw, reason):
    with pytest.raises(ValidationError) as exc:
        parse_cell(_cell(value_type), raw)
    assert "女性劳动力" in exc.value.messages[0] and reason in exc.value.messages[0]


def test_accepted_values():
    assert parse_cell(_cell("share"), "100").number == 100
    assert parse_cell(_cell("amount"), "1,234.50").number == Decimal("1234.50")


def _rule(kind, left, right="", threshold=None, blocking=True):
    return Rule(kind=kind, left=left, right=right, threshold=threshold, blocking=blocking, message=f"{kind}!")


def test_less_or_equal():
    rule = _rule("le", "C", "B")
    assert evaluate([rule], entries(B=10, C=10), {}, {}) == []
    assert [p.message for p in evaluate([rule], entries(B=10, C=11), {}, {})] == ["le!"]
    # Not filled yet: nothing to compare.
    assert evaluate([rule], entries(B=None, C=11), {}, {}) == []


def test_sum():
    rule = _rule("sum", "B", "C D", blocking=False)
    assert evaluate([rule], entries(B=10, C=4, D=6), {}, {}) == []
    problems = evaluate([rule], entries(B=10, C=4, D=5), {}, {})
    assert [(p.message, p.blocking, p.codes) for p in problems] == [("sum!", False, ["B", "C", "D"])]


def test_both_or_neither():
    rule = _rule("both", "M", "P")
    assert evaluate([rule], entries(M=None, P=None), {}, {}) == []
    assert evaluate([rule], entries(M=0, P=0), {}, {}) == []
    assert len(evaluate([rule], entries(M=100, P=None), {}, {})) == 1
    # 不适用 is not a figure: one filled and one 不适用 breaks the rule too.
    assert len(evaluate([rule], entries(M="na", P=50), {}, {})) == 1


def test_continuity_needs_an_explanation():
    previous = _rule("prev", "B", threshold=Decimal(50))
    last_year = _rule("yoy", "B", threshold=Decimal(20))
    assert evaluate([previous], entries(B=14), {"B": Decimal(10)}, {}) == []
    broken = evaluate([previous], entries(B=16), {"B": Decimal(10)}, {})
    assert broken[0].needs_explanation and broken[0].blocking
    assert evaluate([previous], entries(B=16, B_comment="新增一个自然村"), {"B": Decimal(10)}, {}) == []
    assert len(evaluate([last_year], entries(B=7), {}, {"B": Decimal(10)})) == 1
    # From 0 no percentage exists (a unit starting to count); no earlier figure, nothing to compare.
    assert evaluate([previous], entries(B=1), {"B": Decimal(0)}, {}) == []
    assert evaluate([previous], entries(B=100), {}, {}) == []
