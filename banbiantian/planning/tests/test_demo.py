"""The demo county gets this year's plan, split to its townships, with manual targets reported."""

import pytest
from django.urls import reverse
from django.utils import timezone

from banbiantian.core.models import OrgUnit, User
from banbiantian.demo import county as demo
from banbiantian.planning.models import Plan, Target


@pytest.fixture
def county(db):
    demo.build(townships=3, villages=2, people=300, seed=11)
    return OrgUnit.objects.get(code=demo.COUNTY_CODE)


def test_demo_plan(county, login):
    year = timezone.localdate().year
    plan = Plan.objects.get(unit=county, year=year)
    targets = list(plan.targets.all())
    assert len(targets) >= 5
    manual = [t for t in targets if t.is_manual]
    assert {t.label for t in manual} >= {"培训农村妇女", "大型宣传活动", "平安家庭创建率"}
    townships = county.children.filter(level="township").count()
    for target in targets:
        splits = list(target.splits.all())
        assert len(splits) == townships
        if not target.is_rate:
            assert sum(s.value for s in splits) == target.value
    assert Target.objects.filter(parent__in=manual, actual__isnull=False).exists()
    assert Plan.objects.filter(year=year).count() == townships + 1
    client = login(User.objects.get(username="county_admin"))
    assert client.get(reverse("planning:townships", args=[plan.pk])).status_code == 200
    chair = login(User.objects.get(username="t01_chair"))
    assert "目标完成进度" in chair.get(reverse("dashboard")).content.decode()
