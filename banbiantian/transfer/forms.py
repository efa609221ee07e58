from django import forms
from django.utils.translation import gettext_lazy as _

from banbiantian.core.forms import DateInput, StyledFormMixin, UnitField
from banbiantian.core.models import Level

from .models import ImportJob


class UploadForm(StyledFormMixin, forms.Form):
    unit = UnitField(label=_("导入到单位"), levels=[Level.TOWNSHIP, Level.VILLAGE, Level.COMMITTEE], show_level=False,
                     empty_label=_("请选择"))
    file = forms.FileField(label=_("台账文件"), help_text=_("支持 .xlsx、.xls、.csv（UTF-8或GBK），不超过50 MB。"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.xlsm"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "import_data")
        if user.unit.level in (Level.VILLAGE, Level.COMMITTEE, Level.TOWNSHIP):
            self.fields["unit"].initial = user.unit.pk


class RunForm(forms.Form):
    dry_run = forms.BooleanField(required=False)
    mode = forms.ChoiceField(choices=ImportJob.Mode.choices, initial=ImportJob.Mode.UPDATE)


def mapping_choices(registry):
    return [("", _("（不导入此列）"))] + [(c.key, c.label + (" *" if c.required else "")) for c in registry.columns]


class JobFilterForm(StyledFormMixin, forms.Form):
    registry = forms.ChoiceField(label=_("导入类型"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *ImportJob.Status.choices])
    date_from = forms.DateField(label=_("上传日期从"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("到"), required=False, widget=DateInput())

    def __init__(self, *args, registries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registry"].choices = [("", _("全部类型"))] + [(r.name, r.label) for r in registries]
