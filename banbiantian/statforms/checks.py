"""Checking a report: what a cell accepts, and the form's rules over the whole report.

Pure functions over plain values so the same checks run on save, on submission and in tests.
A cell's figure is an `Entry`: state (number / 不适用 / 未填报), the number, the comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import RuleKind, State, ValueType

MAX_NUMBER = Decimal("99999999999999")


@dataclass
class Entry:
    state: str = State.MISSING
    number: Decimal | None = None
    comment: str = ""

    @property
    def text(self) -> str:
        """How the figure reads in history and differences."""
        if self.state == State.NUMBER:
            return format_number(self.number)
        return str(State(self.state).label)


def format_number(number) -> str:
    if number is None:
        return "—"
    number = Decimal(number)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return str(number.normalize())


def parse_cell(cell, raw: str, *, not_applicable: bool = False, comment: str = "") -> Entry:
    """What the user typed into one cell, or a ValidationError naming the cell and the reason."""
    raw = (raw or "").strip().replace(",", "").replace("，", "")
    if not_applicable:
        return Entry(State.NOT_APPLICABLE, None, comment)
    if raw == "":
        return Entry(State.MISSING, None, comment)
    name = str(cell)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_("“%(c)s”：请填写数字（不适用请勾选“不适用”）。") % {"c": name}) from None
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise ValidationError(_("“%(c)s”：数字超出范围。") % {"c": name})
    if number < 0:
        raise ValidationError(_("“%(c)s”：不能为负数。") % {"c": name})
    if cell.value_type == ValueType.COUNT and number != number.to_integral_value():
        raise ValidationError(_("“%(c)s”：数量必须是整数。") % {"c": name})
    if cell.value_type == ValueType.SHARE and number > 100:
        raise ValidationError(_("“%(c)s”：比例不能超过100%%。") % {"c": name})
    if number.as_tuple().exponent < -2:
        raise ValidationError(_("“%(c)s”：最多保留两位小数。") % {"c": name})
    return Entry(State.NUMBER, number, comment)


def share_of(numerator, denominator) -> Decimal | None:
    """A share recomputed from its parts (never an average of shares)."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


@dataclass
class Problem:
    rule: object
    message: str
    codes: list[str]
    blocking: bool
    # A continuity problem goes away when the cell carries an explanation.
    needs_explanation: bool = False


def _number(entries: dict[str, Entry], code: str) -> Decimal | None:
    entry = entries.get(code)
    return entry.number if entry is not None and entry.state == State.NUMBER else None


def changed_too_much(current, before, threshold) -> bool:
    """Whether the figure moved more than `threshold` % from `before`. With nothing to compare
    with (未填报, 不适用, no report) or a 0 before, no percentage exists: a unit that starts
    counting something (0 → 12) is not asked to explain a change the rule cannot measure; the
    last period's figure still stands beside the cell for whoever checks the report."""
    if current is None or before is None or threshold is None:
        return False
    current, before = Decimal(current), Decimal(before)
    if before == 0:
        return False
    return abs(current - before) * 100 / abs(before) > Decimal(threshold)


def evaluate(rules, entries: dict[str, Entry], previous: dict[str, Decimal | None],
             last_year: dict[str, Decimal | None]) -> list[Problem]:
    """Every rule the report breaks. A rule over a cell with no number yet (未填报, 不适用) is
    not broken, except both-or-neither, which is about exactly that."""
    problems = []
    for rule in rules:
        left = _number(entries, rule.left)
        rights = [_number(entries, code) for code in rule.right_codes]
        codes = [rule.left, *rule.right_codes]
        broken = False
        if rule.kind == RuleKind.LE:
            broken = left is not None and rights and rights[0] is not None and left > rights[0]
        elif rule.kind == RuleKind.SUM:
            broken = left is not None and rights and all(r is not None for r in rights) and left != sum(rights)
        elif rule.kind == RuleKind.BOTH:
            filled = [n is not None for n in [left, *rights]]
            broken = any(filled) and not all(filled)
        elif rule.kind in (RuleKind.CHANGE_PREVIOUS, RuleKind.CHANGE_LAST_YEAR):
            before = (previous if rule.kind == RuleKind.CHANGE_PREVIOUS else last_year).get(rule.left)
            entry = entries.get(rule.left)
            explained = entry is not None and entry.comment.strip() != ""
            if changed_too_much(left, before, rule.threshold) and not explained:
                problems.append(Problem(rule, rule.message, [rule.left], rule.blocking, needs_explanation=True))
            continue
        if broken:
            problems.append(Problem(rule, rule.message, codes, rule.blocking))
    return problems
