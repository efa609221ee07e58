"""Inputs that suit a phone, as a class: every ID-number field opens the digit pad (with an X key), every
phone field the telephone pad, and a unit picker with one choice comes preselected."""

import importlib
import re

import pytest
from django import forms
from django.apps import apps

from banbiantian.core.forms import IdNumberInput, PhoneInput, UnitField
from banbiantian.core.models import Level

ID_NAME = re.compile(r"(^|_)id_number$")
PHONE_NAME = re.compile(r"(^|_)(phone|mobile|tel)$")


def _form_classes():
    """Every form class defined in one of our apps' forms modules."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("banbiantian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        found += [obj for obj in vars(module).values() if isinstance(obj, type) and issubclass(obj, forms.BaseForm)
                  and obj.__module__ == module.__name__]
    return found


def test_the_walk_finds_the_forms_that_take_numbers():
    names = {f"{c.__module__}.{c.__name__}" for c in _form_classes()}
    assert {"banbiantian.people.forms.PersonForm", "banbiantian.rights.forms.QuickPersonForm",
            "banbiantian.rights.forms.CaseFieldsForm", "banbiantian.core.forms.UserCreateForm"} <= names


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_every_id_number_and_phone_field_opens_the_number_pad(form_class):
    wrong = []
    for name, field in form_class.base_fields.items():
        if ID_NAME.search(name) and not isinstance(field.widget, IdNumberInput):
            wrong.append(f"{name} (an ID number: core.forms.IdNumberInput)")
        if PHONE_NAME.search(name) and not isinstance(field.widget, PhoneInput):
            wrong.append(f"{name} (a phone: core.forms.PhoneInput)")
    assert not wrong, f"{form_class.__name__}: " + ", ".join(wrong)


def test_the_inputs_as_rendered():
    class Form(forms.Form):
        id_number = forms.CharField(widget=IdNumberInput())
        phone = forms.CharField(widget=PhoneInput())

    html = str(Form())
    id_input = re.search(r'<input[^>]*name="id_number"[^>]*>', html).group(0)
    assert 'inputmode="numeric"' in id_input and 'type="text"' in id_input
    assert "pattern=" not in id_input  # the server names every bad field at once; the browser would stop at one
    assert re.search(r'<button[^>]*type="button"[^>]*data-append="X"[^>]*data-target="id_id_number"', html)
    phone_input = re.search(r'<input[^>]*name="phone"[^>]*>', html).group(0)
    assert 'type="tel"' in phone_input and 'inputmode="tel"' in phone_input


class Pick(forms.Form):
    unit = UnitField(label="所属村(社区)", levels=[Level.VILLAGE, Level.COMMITTEE])
    township = UnitField(label="乡镇", levels=[Level.TOWNSHIP])
    since = UnitField(label="单位", levels=[Level.VILLAGE], for_new=False, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].for_user(user, "view_people")


def _selected(form, name):
    return re.findall(r'<option value="(\d+)" selected>', str(form[name]))


def test_a_director_finds_her_only_village_chosen(personas, tree):
    form = Pick(user=personas.village_a)
    assert form["unit"].initial == tree.village_a.pk
    assert _selected(form, "unit") == [str(tree.village_a.pk)]
    assert _selected(form, "since") == []  # a filter stays 全部


def test_with_several_units_nothing_is_chosen_for_her(personas, tree):
    form = Pick(user=personas.chair)
    assert form["unit"].initial is None and _selected(form, "unit") == []
    assert form["township"].initial == tree.township.pk  # the chair's own township is her only one


def test_a_given_initial_wins_and_a_posted_form_asks_nothing_more(personas, tree, django_assert_num_queries):
    form = Pick(initial={"unit": tree.village_b.pk}, user=personas.chair)
    assert _selected(form, "unit") == [str(tree.village_b.pk)]
    with django_assert_num_queries(2):  # one per posted unit, as before: the preselection is not worked out
        posted = Pick(data={"unit": tree.village_a.pk, "township": tree.township.pk}, user=personas.village_a)
        posted.is_valid()
