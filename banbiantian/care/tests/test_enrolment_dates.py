"""An approval takes effect on its own date (a roster's 审批日期), and the approvals figure counts by it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from banbiantian.care import services
from banbiantian.care.models import EnrolmentStep, Programme, Status
from banbiantian.conftest import make_person
from banbiantian.core.metrics import Period, compute

D = datetime.date


def test_last_years_approval_typed_in_today_counts_last_year(tree, personas):
    programme = Programme.objects.create(unit=tree.township, name="困难妇女帮扶", kind="other", year=2025)
    enrolment = services.enrolment_create(by=personas.chair, programme=programme,
                                          person=make_person(tree.village_a, "王秀英"), applied_on=D(2025, 3, 1))
    services.enrolment_transition(by=personas.chair, enrolment=enrolment, to=Status.REVIEWING, on=D(2025, 3, 2))
    services.enrolment_transition(by=personas.chair, enrolment=enrolment, to=Status.APPROVED, on=D(2025, 3, 20))
    step = EnrolmentStep.objects.get(to_status=Status.APPROVED)
    assert step.on == D(2025, 3, 20) and step.at.date() == timezone.now().date()
    this_year = timezone.localdate().year

    def approved(year):
        return compute(["care.beneficiaries_approved"], [tree.township], Period("year", year))[
            "care.beneficiaries_approved"][tree.township.pk]

    assert approved(2025) == 1
    if this_year != 2025:
        assert approved(this_year) == 0


def test_a_step_is_not_dated_before_the_application_or_after_today(tree, personas):
    programme = Programme.objects.create(unit=tree.township, name="困难妇女帮扶", kind="other", year=2025)
    enrolment = services.enrolment_create(by=personas.chair, programme=programme,
                                          person=make_person(tree.village_a, "王秀英"), applied_on=D(2025, 3, 1))
    with pytest.raises(ValidationError) as caught:
        services.enrolment_transition(by=personas.chair, enrolment=enrolment, to=Status.REVIEWING, on=D(2025, 2, 1))
    assert "不能早于申请日期" in str(caught.value)
    with pytest.raises(ValidationError):
        services.enrolment_transition(by=personas.chair, enrolment=enrolment, to=Status.REVIEWING,
                                      on=timezone.localdate() + datetime.timedelta(days=1))
    step = services.enrolment_transition(by=personas.chair, enrolment=enrolment, to=Status.REVIEWING)
    assert step.steps.last().on == timezone.localdate()  # the page's steps take effect today
