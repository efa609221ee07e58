"""'Is this unit active during this period' is answered in one place: OrgUnit.is_active_during
(Python) and active_during_q / OrgUnit.objects.active_during (SQL), and the two agree."""

import datetime
import pathlib
import re

import pytest

from banbiantian.core.models import Level, OrgUnit, User, active_during_q

D = datetime.date
CASES = [  # (active_from, active_to, start, end, expected)
    (None, None, D(2020, 1, 1), D(2020, 12, 31), True),
    (None, D(2019, 12, 31), D(2020, 1, 1), D(2020, 3, 31), False),  # merged before the period
    (None, D(2020, 1, 1), D(2020, 1, 1), D(2020, 3, 31), True),  # closed on its first day
    (None, D(2020, 2, 15), D(2020, 1, 1), D(2020, 3, 31), True),  # merged during it: still counts
    (D(2020, 3, 31), None, D(2020, 1, 1), D(2020, 3, 31), True),  # opened on its last day
    (D(2020, 4, 1), None, D(2020, 1, 1), D(2020, 3, 31), False),  # not yet opened
    (D(2019, 1, 1), D(2019, 6, 30), D(2019, 6, 30), D(2019, 6, 30), True),  # one day
]


@pytest.mark.parametrize("active_from, active_to, start, end, expected", CASES)
def test_python_and_sql_agree(tree, active_from, active_to, start, end, expected):
    unit = OrgUnit.objects.create(code="330122101009", name="桥西村", level=Level.VILLAGE, parent=tree.township,
                                  active_from=active_from, active_to=active_to)
    assert unit.is_active_during(start, end) is expected
    assert OrgUnit.objects.filter(pk=unit.pk).active_during(start, end).exists() is expected
    assert OrgUnit.objects.filter(pk=unit.pk).filter(active_during_q(start, end)).exists() is expected
    # Through a relation (a user's unit), with the prefix.
    User.objects.create_user("qiaoxi", unit=unit)
    assert User.objects.filter(active_during_q(start, end, prefix="unit__"), username="qiaoxi").exists() is expected


def test_today(tree):
    today = datetime.date.today()
    closed = OrgUnit.objects.create(code="330122101009", name="桥西村", level=Level.VILLAGE, parent=tree.township,
                                    active_to=today - datetime.timedelta(days=1))
    assert not closed.is_active and tree.village_a.is_active
    assert set(OrgUnit.objects.open_on(today)) == set(OrgUnit.objects.exclude(pk=closed.pk))


ROOT = pathlib.Path(__file__).resolve().parents[2]
# A comparison of a unit's dates written by hand (Python or a queryset lookup).
BY_HAND = re.compile(r"\.active_(from|to)\s*[<>]|\.active_(from|to) is None or|active_from__lte|active_to__gte"
                     r"|active_to__isnull")


def test_no_copy_of_the_rule_outside_core_models():
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel or "/tests/" in rel or rel in {"core/models.py"} or rel.endswith("/demo.py"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BY_HAND.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "use OrgUnit.is_active_during / .active_during / open_on:\n" + "\n".join(offenders)
