"""The one unit picker (core.forms.UnitField): a closed (merged) unit is never offered for a new
record and is refused if posted anyway, with an error naming the field; a filter over old
records still offers it. Each area's forms are checked in its own test_unit_picker.py."""

import datetime

import pytest
from django import forms

from banbiantian.core.forms import UnitField, UserCreateForm, UserEditForm, UserFilterForm
from banbiantian.core.models import Level, OrgUnit

TODAY = datetime.date.today()


def make_closed(tree) -> OrgUnit:
    """桥西村: a village of 东塘镇 merged into 东塘村 a month ago, its records kept."""
    return OrgUnit.objects.create(code="330122101009", name="桥西村", level=Level.VILLAGE, parent=tree.township,
                                  active_to=TODAY - datetime.timedelta(days=30), note="并入东塘村")


@pytest.fixture
def closed(tree):
    return make_closed(tree)


def offered(field) -> set[str]:
    return {str(label) for value, label in field.choices if value != ""}


def assert_new_records_refuse(form_class, closed, data=None, field="unit", **kwargs):
    """The closed unit is not among the choices, and posting it anyway is refused beside the field."""
    form = form_class(**kwargs)
    assert closed.name not in " ".join(offered(form.fields[field]))
    posted = form_class(data={**(data or {}), field: str(closed.pk)}, **kwargs)
    assert not posted.is_valid()
    message = " ".join(posted.errors[field])
    assert closed.name in message and "撤销" in message and str(posted.fields[field].label) in message


class Pick(forms.Form):
    unit = UnitField(label="所在单位", levels=[Level.VILLAGE], show_level=False)
    since = UnitField(label="历史单位", levels=[Level.VILLAGE], for_new=False, required=False)

    def __init__(self, *args, user, keep=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "view_people", keep=keep)
        self.fields["since"].for_user(user, "view_people")


def test_closed_unit_not_offered_for_new_records_but_for_filters(closed, personas, tree):
    form = Pick(user=personas.county)
    assert offered(form.fields["unit"]) == {"东塘村", "桥头村", "西岭村"}
    assert "桥西村（村(社区)，已撤销）" in offered(form.fields["since"])
    assert Pick(data={"unit": tree.village_a.pk, "since": closed.pk}, user=personas.county).is_valid()


def test_closed_unit_posted_anyway_is_refused_naming_the_field(closed, personas):
    form = Pick(data={"unit": closed.pk}, user=personas.county)
    assert not form.is_valid()
    assert form.errors["unit"] == [f"所在单位：“桥西村”已于{closed.active_to:%Y-%m-%d}撤销，不能再登记新的记录，请选择现有单位。"]


def test_a_record_already_there_keeps_its_unit_when_edited(closed, personas):
    form = Pick(data={"unit": closed.pk}, user=personas.county, keep=closed)
    assert form.is_valid() and form.cleaned_data["unit"] == closed
    assert "桥西村" in offered(form.fields["unit"])


def test_a_unit_not_yet_opened_is_refused_too(personas, tree):
    later = OrgUnit.objects.create(code="330122101010", name="新村", level=Level.VILLAGE, parent=tree.township,
                                   active_from=TODAY + datetime.timedelta(days=10))
    form = Pick(data={"unit": later.pk}, user=personas.county)
    assert "新村" not in offered(form.fields["unit"])
    assert not form.is_valid() and "启用" in form.errors["unit"][0]


def test_outside_the_scope_stays_invalid(closed, personas, tree):
    assert Pick(data={"unit": tree.village_c.pk}, user=personas.chair).errors["unit"]


def test_account_forms(closed, personas):
    assert_new_records_refuse(UserCreateForm, closed, user=personas.county)
    assert "桥西村" not in " ".join(offered(UserEditForm(user=personas.county).fields["unit"]))
    assert "桥西村（村(社区)，已撤销）" in offered(UserFilterForm(user=personas.county).fields["unit"])
    assert UserFilterForm(data={"unit": closed.pk}, user=personas.county).is_valid()


def test_choices_cost_one_query(closed, personas, django_assert_num_queries):
    form = Pick(user=personas.county)
    with django_assert_num_queries(1):
        list(iter(form.fields["unit"].choices))  # iter: no COUNT first, as a rendered select


def test_the_account_and_org_services_refuse_a_closed_unit_for_something_new(closed, personas, tree):
    from django.core.exceptions import ValidationError

    from banbiantian.core import services
    from banbiantian.core.models import User
    from banbiantian.core.roles import Role
    from banbiantian.core.testing.personas import PASSWORD

    with pytest.raises(ValidationError, match="“桥西村”已撤销或尚未启用"):
        services.user_create(by=personas.county, username="qx_v", full_name="桥西村主任", unit=closed,
                             role=Role.VILLAGE_DIRECTOR, password=PASSWORD)
    assert not User.objects.filter(username="qx_v").exists()
    with pytest.raises(ValidationError, match="“桥西村”已撤销或尚未启用"):
        services.user_update(by=personas.county, user=personas.village_b, full_name="桥头村主任", phone="",
                             unit=closed, role=Role.VILLAGE_DIRECTOR)
    merged_township = OrgUnit.objects.create(code="330122301000", name="南山乡", level=Level.TOWNSHIP,
                                             parent=tree.county, active_to=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="上级单位“南山乡”已撤销"):
        services.org_unit_create(by=personas.county, parent=merged_township, code="330122301001", name="南山村",
                                 level=Level.VILLAGE)
