"""A petitioner or a screening is filed under an open village only; a merged one is refused."""

import pytest

from banbiantian.core.tests.test_unit_picker import assert_new_records_refuse, make_closed
from banbiantian.rights import forms


@pytest.mark.parametrize("form_class", [forms.QuickPersonForm, forms.ScreeningForm])
def test_new_records_refuse_a_closed_unit(form_class, tree, personas):
    assert_new_records_refuse(form_class, make_closed(tree), user=personas.county)


def test_a_screening_is_refused_for_a_month_after_the_village_closed_but_not_before(tree, personas):
    import datetime

    from django.core.exceptions import ValidationError

    from banbiantian.rights.services import screening_report

    closed = make_closed(tree)
    today = datetime.date.today()
    with pytest.raises(ValidationError, match="“桥西村”.*已撤销或尚未启用"):
        screening_report(by=personas.chair, unit=closed, month=today, none_found=True)
    before = closed.active_to.replace(day=1)  # the month it closed: it still existed
    assert screening_report(by=personas.chair, unit=closed, month=before, none_found=True).unit == closed


def test_a_petitioner_cannot_be_registered_in_a_merged_village_by_the_quick_form(tree, personas, login):
    from django.urls import reverse

    from banbiantian.people.models import Person

    closed = make_closed(tree)
    response = login(personas.chair).post(reverse("rights:person_add"), {"name": "王秀英", "unit": closed.pk})
    assert not Person.objects.filter(name="王秀英").exists()
    assert "桥西村" in response.content.decode()
