"""A small test form over the shared tree, with its own metrics (not the areas'), and helpers.

The form (filled by villages and townships, quarterly):
  A  出生人数 — metric test.sf_born (people of the subtree born in the period)
  B  女性劳动力, C 其中外出务工, D 其中本地就业 — typed counts
  S  外出务工比例 = C / B × 100 (computed share)
  P  入学率 — typed share;  M  经费 — typed amount
Rules: C ≤ B (blocking); B = C + D (warning); M and P both or neither (blocking);
B changes more than 50% from last period → explanation (blocking).
"""

import datetime
from types import SimpleNamespace

import pytest

from banbiantian.core import metrics
from banbiantian.core.metrics import Metric, Period
from banbiantian.people.models import Person
from banbiantian.statforms import services
from banbiantian.statforms.checks import Entry
from banbiantian.statforms.models import Cell, FormDefinition, Rule, State

PERIOD = Period("quarter", 2026, 2)


def _born(units, period):
    born = Person.objects.filter(birth_date__range=(period.start, period.end))
    return metrics.subtree_values(born, "unit__path", units)


@pytest.fixture(autouse=True)
def sf_metric():
    metric = Metric("test.sf_born", "出生人数", "人", "people", values=_born)
    metrics._registry[metric.key] = metric
    yield metric
    metrics._registry.pop(metric.key, None)


@pytest.fixture
def form(db):
    form = FormDefinition.objects.create(code="测试1表", name="测试报表", period_kind="quarter",
                                         levels="village,township", deadline_days=10)
    for i, (code, row, col, vt, key, num, den) in enumerate([
        ("A", "出生人数", "", "count", "test.sf_born", "", ""),
        ("B", "女性劳动力", "合计", "count", "", "", ""),
        ("C", "女性劳动力", "外出务工", "count", "", "", ""),
        ("D", "女性劳动力", "本地就业", "count", "", "", ""),
        ("S", "外出务工比例", "", "share", "", "C", "B"),
        ("P", "入学率", "", "share", "", "", ""),
        ("M", "经费", "", "amount", "", "", ""),
    ]):
        Cell.objects.create(form=form, code=code, row_label=row, column_label=col, order=i, value_type=vt,
                            metric_key=key, numerator=num, denominator=den)
    Rule.objects.create(form=form, kind="le", left="C", right="B", blocking=True, message="外出务工不能多于劳动力。")
    Rule.objects.create(form=form, kind="sum", left="B", right="C D", blocking=False, message="劳动力应等于务工加就业。")
    Rule.objects.create(form=form, kind="both", left="M", right="P", blocking=True, message="经费和入学率同时填报。")
    Rule.objects.create(form=form, kind="prev", left="B", threshold=50, blocking=True, message="劳动力变动超过50%。")
    return form


def entries(**values) -> dict:
    """entries(B=10, C="na", D=None, B_comment="…") -> {code: Entry}."""
    out = {}
    for code, value in values.items():
        if code.endswith("_comment"):
            continue
        comment = values.get(f"{code}_comment", "")
        if value == "na":
            out[code] = Entry(State.NOT_APPLICABLE, None, comment)
        elif value is None:
            out[code] = Entry(State.MISSING, None, comment)
        else:
            from decimal import Decimal

            out[code] = Entry(State.NUMBER, Decimal(str(value)), comment)
    return out


def fill(report, by, **values):
    return services.report_save(report=report, version=report.version, entries=entries(**values), by=by)


@pytest.fixture
def reports(form, tree, personas):
    """Drafts of the test form for 2026-Q2: village A, village B, the township."""
    return SimpleNamespace(
        a=services.report_open(form=form, period=PERIOD, by=personas.village_a),
        b=services.report_open(form=form, period=PERIOD, by=personas.village_b),
        township=services.report_open(form=form, period=PERIOD, by=personas.chair),
    )


IN_PERIOD = datetime.date(2026, 5, 1)
