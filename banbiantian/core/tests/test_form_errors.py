"""A form's errors shown as messages, in Chinese after the field's label: one helper
(core.views_util.errors_to_messages) that every area's views use."""

import pathlib

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from banbiantian.core.forms import DateInput
from banbiantian.core.views_util import errors_to_messages


class EndForm(forms.Form):
    end_date = forms.DateField(label="结束日期", widget=DateInput())
    note = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _shown(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_form_errors_after_their_labels():
    request = _request()
    form = EndForm(data={"end_date": "not a date"})
    assert not form.is_valid()
    errors_to_messages(request, form)
    assert _shown(request) == ["结束日期：输入一个有效的日期。"]


def test_a_service_refusal_goes_beside_its_field_or_stands_alone():
    request = _request()
    form = EndForm(data={"end_date": "2026-01-01"})
    assert form.is_valid()
    errors_to_messages(request, form, ValidationError({"end_date": "结束日期不能早于起始日期。",
                                                       "unknown": "该人员已离开本村。"}))
    assert _shown(request) == ["结束日期：结束日期不能早于起始日期。", "该人员已离开本村。"]


def test_without_a_form():
    request = _request()
    errors_to_messages(request, exc=ValidationError(["报告期尚未开始。", "本单位不填报该报表。"]))
    assert _shown(request) == ["报告期尚未开始。", "本单位不填报该报表。"]


def test_no_view_flashes_form_errors_by_hand():
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for p in root.glob("*/views*.py")
                 if p.name != "views_util.py" and "form.errors.items()" in p.read_text(encoding="utf-8")]
    assert not offenders, "use core.views_util.errors_to_messages"
