"""seed_demo --people 0: a county with its units, logins and plan but nobody registered yet (the option
accepts 0; the plan's proportional splits, weighed by the women registered, fall back to even ones)."""

import io

from django.core.management import call_command
from django.urls import reverse

from banbiantian.core.models import User
from banbiantian.people.models import Person
from banbiantian.planning.models import Plan


def test_seed_demo_with_no_people(db, client):
    out = io.StringIO()
    call_command("seed_demo", "--people", "0", "--townships", "2", "--villages", "2", stdout=out)
    assert Person.objects.count() == 0
    assert User.objects.filter(username="t01_chair").exists()
    county_plan = Plan.objects.get(unit__code="330122000000")
    assert Plan.objects.exclude(pk=county_plan.pk).count() == 2  # split to both townships
    for target in county_plan.targets.all():
        if not target.is_rate:
            assert sum(s.value for s in target.splits.all()) == target.value, target
    client.force_login(User.objects.get(username="t01_chair"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("dashboard")).status_code == 200
