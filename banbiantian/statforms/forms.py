from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banbiantian.core import metrics
from banbiantian.core.forms import UnitField
from banbiantian.core.models import Level

from .models import Cell, FormDefinition, Rule
from .selectors import recent_periods
from .services import period_for

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
BLANK = _("（请选择）")


def _chinese_blank(form) -> None:
    """Django's own empty choice reads "- Select an option -" (not translated): say it in Chinese."""
    for field in form.fields.values():
        choices = getattr(field, "choices", None)
        if choices is None or isinstance(field, forms.ModelChoiceField):
            continue
        choices = list(choices)
        if choices and choices[0][0] in ("", None):
            field.choices = [("", BLANK), *choices[1:]]


class FormDefinitionForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(label=_("填报层级"), choices=[(v, label) for v, label in Level.choices
                                                                   if v in ("township", "village", "committee")],
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = FormDefinition
        fields = ["code", "name", "period_kind", "levels", "deadline_days", "active", "start_date", "description"]
        widgets = {"code": forms.TextInput(attrs=_TEXT), "name": forms.TextInput(attrs=_TEXT),
                   "start_date": forms.DateInput(attrs=_TEXT | {"type": "date"}, format="%Y-%m-%d"),
                   "period_kind": forms.Select(attrs=_SELECT), "deadline_days": forms.NumberInput(attrs=_TEXT),
                   "active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
                   "description": forms.TextInput(attrs=_TEXT)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_blank(self)
        if self.instance.pk:
            self.initial["levels"] = self.instance.level_list

    def clean_levels(self):
        return ",".join(self.cleaned_data["levels"])


class CellForm(forms.ModelForm):
    metric_key = forms.ChoiceField(label=_("取数指标"), required=False, widget=forms.Select(attrs=_SELECT),
                                   help_text=_("留空为手工填报；选择系统指标则自动取数"))

    class Meta:
        model = Cell
        fields = ["code", "row_label", "column_label", "order", "value_type", "metric_key", "numerator",
                  "denominator", "unit_label"]
        widgets = {name: forms.TextInput(attrs=_TEXT) for name in
                   ("code", "row_label", "column_label", "numerator", "denominator", "unit_label")}
        widgets |= {"order": forms.NumberInput(attrs=_TEXT), "value_type": forms.Select(attrs=_SELECT)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_blank(self)
        self.fields["metric_key"].choices = [("", _("（手工填报）"))] + metrics.choices()


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["kind", "left", "right", "threshold", "blocking", "message"]
        widgets = {"kind": forms.Select(attrs=_SELECT), "left": forms.TextInput(attrs=_TEXT),
                   "right": forms.TextInput(attrs=_TEXT), "threshold": forms.NumberInput(attrs=_TEXT),
                   "blocking": forms.CheckboxInput(attrs={"class": "form-check-input"}),
                   "message": forms.TextInput(attrs=_TEXT)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_blank(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.TextInput(
        attrs={"class": "form-control form-control-sm", "placeholder": _("原因（必填）")}))


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("报告期"), max_length=10)


_RESUBMIT = ("this.form.period.selectedIndex=-1;if(this.form.cell){this.form.cell.selectedIndex=-1}"
             ";this.form.submit()")


class SummaryForm(forms.Form):
    """Which form, unit and period a report or chart is about; units within the user's scope."""

    # Choosing another form or unit asks again with that form's latest period (the period list
    # follows the form's period type, and the chart's indicator list its cells).
    form = forms.ModelChoiceField(label=_("报表"), queryset=FormDefinition.objects.all(), empty_label=_("（请选择报表）"),
                                  widget=forms.Select(attrs=_SELECT | {"onchange": _RESUBMIT}))
    # Reports of the past: a merged village's are still found.
    unit = UnitField(label=_("单位"), for_new=False, show_level=False, required=False, empty_label=_("（本单位）"),
                     widget=forms.Select(attrs=_SELECT | {"onchange": _RESUBMIT}))
    period = forms.CharField(label=_("报告期"), required=False, max_length=10, widget=forms.Select(attrs=_SELECT))
    cell = forms.CharField(label=_("指标"), required=False, max_length=20, widget=forms.Select(attrs=_SELECT))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The user's unit and the two levels below it: enough to reach any village from a county.
        depth = len(user.unit.path) + 2 * 13 if user.unit else 0
        units = self.fields["unit"].for_user(user, "view_plans")
        units.queryset = units.queryset.annotate(depth=Length("path")).filter(depth__lte=depth)
        form = self._chosen_form()
        today = timezone.localdate()
        kind = form.period_kind if form else "quarter"
        self.fields["period"].widget.choices = [(p.key, p.label) for p in recent_periods(kind, today, 12)]
        if form:
            self.fields["cell"].widget.choices = [(c.code, f"{c.code} {c}") for c in form.cells.all()]

    def clean(self):
        data = super().clean()
        if data.get("form") and data.get("period"):
            try:
                data["period_obj"] = period_for(form=data["form"], key=data["period"])
            except ValidationError as exc:
                self.add_error("period", _("报告期“%(p)s”不适用于%(f)s：%(m)s") % {
                    "p": data["period"], "f": data["form"].name, "m": exc.messages[0]})
        return data

    def _chosen_form(self):
        key = self.data.get("form") if self.is_bound else None
        try:
            return FormDefinition.objects.get(pk=int(key)) if key else None
        except (ValueError, FormDefinition.DoesNotExist):
            return None
