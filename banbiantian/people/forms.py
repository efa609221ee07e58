from django import forms
from django.utils.translation import gettext_lazy as _

from banbiantian.core.forms import DateInput, StyledFormMixin, UnitField
from banbiantian.core.models import Level

from .choices import ETHNICITY_CHOICES, AgeBand, Education, MaritalStatus, PoliticalStatus, Relation, Sex
from .models import SpecialGroup

_REGISTRABLE = [Level.TOWNSHIP, Level.VILLAGE, Level.COMMITTEE]


def _blank(choices):
    return [("", "—")] + list(choices)


class PersonForm(StyledFormMixin, forms.Form):
    """The registry form. The service checks everything again; this form is only the shape."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=30, required=False,
        help_text=_("18位，旧15位证号会自动升级；出生日期和性别由证号自动生成。"),
    )
    unit = UnitField(label=_("所属村(社区)"), levels=_REGISTRABLE, show_level=False, empty_label=_("请选择"))
    sex = forms.ChoiceField(label=_("性别"), choices=Sex.choices, initial=Sex.FEMALE)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput())
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=ETHNICITY_CHOICES, initial="汉族")
    education = forms.ChoiceField(label=_("文化程度"), choices=_blank(Education.choices), required=False)
    political_status = forms.ChoiceField(label=_("政治面貌"), choices=_blank(PoliticalStatus.choices), required=False)
    marital_status = forms.ChoiceField(label=_("婚姻状况"), choices=_blank(MaritalStatus.choices), required=False)
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    relation_to_head = forms.ChoiceField(label=_("与户主关系"), choices=_blank(Relation.choices), required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args, user, show_id_number=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_people", keep=self.initial.get("unit"))
        if not show_id_number:
            # Users who see the number masked may type a new one but never receive the old one.
            self.fields["id_number"].help_text = _("当前证号：%(masked)s。留空表示不修改。") % {
                "masked": self.initial.get("id_number_masked") or "—"}
            self.initial["id_number"] = ""


class PersonFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("姓名、拼音首字母、身份证号或电话"), "type": "search", "autocomplete": "off"}))
    unit = UnitField(label=_("单位"), exclude_levels=[Level.COMMITTEE], for_new=False, show_level=False,
                     required=False, empty_label=_("全部"))
    group = forms.ModelChoiceField(label=_("特殊群体"), queryset=SpecialGroup.objects.all(), required=False,
                                   empty_label=_("全部"))
    age_band = forms.ChoiceField(label=_("年龄段"), choices=[("", _("全部"))] + AgeBand.choices, required=False)
    duplicates = forms.BooleanField(label=_("只看疑似重复"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "view_people")


class MembershipForm(StyledFormMixin, forms.Form):
    group = forms.ModelChoiceField(label=_("特殊群体"), queryset=SpecialGroup.objects.all(), empty_label=_("请选择特殊群体"))
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class MembershipCorrectForm(StyledFormMixin, forms.Form):
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class VoidForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200)


class MembershipEndForm(StyledFormMixin, forms.Form):
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
