"""Forms for plans and targets. Numbers arrive as text: the services check them and name the
field in Chinese (so a comma, a negative or a share over 100% gets the same message
everywhere)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from banbiantian.core import areas, metrics
from banbiantian.core.forms import StyledFormMixin

from .models import Comparison, SplitMode
from .services import SPLIT_BASES

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


def metric_choices() -> list:
    """Metrics grouped by area for a select; the empty choice is a manually reported target."""
    labels = {area.label: area.menu_label for area in areas.menu()}
    grouped: dict[str, list] = {}
    for metric in sorted(metrics.all_metrics(), key=lambda m: m.key):
        grouped.setdefault(metric.area, []).append((metric.key, f"{metric.label}（{metric.unit}）"))
    order = list(labels)
    groups = sorted(grouped.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    return [("", _("（不选：手工填报目标）"))] + [(str(labels.get(area, area)), items) for area, items in groups]


class TargetForm(StyledFormMixin, forms.Form):
    metric_key = forms.ChoiceField(label=_("统计指标"), required=False,
                                   help_text=_("选择统计指标后，实际完成数由系统根据登记的工作自动统计。"))
    comparison = forms.ChoiceField(label=_("比较方式"), choices=Comparison.choices)
    value = forms.CharField(label=_("目标值"), max_length=20, widget=forms.TextInput(attrs=NUMBER))
    label = forms.CharField(label=_("目标名称（手工填报）"), max_length=100, required=False,
                            help_text=_("系统无法统计的目标：写明名称和计量单位，全年由本单位填报实际完成数。"))
    measure_unit = forms.CharField(label=_("计量单位（手工填报）"), max_length=10, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, required=False, initial=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].choices = metric_choices()


class ActualForm(StyledFormMixin, forms.Form):
    actual = forms.CharField(label=_("实际完成"), max_length=20, widget=forms.TextInput(attrs=NUMBER))


class SplitForm(StyledFormMixin, forms.Form):
    mode = forms.ChoiceField(label=_("分解方式"), choices=SplitMode.choices)
    basis = forms.ChoiceField(label=_("按比例分解的依据"), required=False,
                              choices=[("", "—"), *SPLIT_BASES.items()])

    def __init__(self, *args, units, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        current = {s.plan.unit_id: s.value_text for s in target.splits.all()}
        for unit in units:
            self.fields[f"unit_{unit.pk}"] = forms.CharField(
                label=unit.name, required=False, initial=current.get(unit.pk, ""),
                widget=forms.TextInput(attrs={**NUMBER, "class": "form-control", "col": "col-6 col-md-3"}))

    def unit_values(self) -> dict:
        return {unit.pk: self.cleaned_data.get(f"unit_{unit.pk}") for unit in self.units}
