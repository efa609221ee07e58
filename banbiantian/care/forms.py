from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banbiantian.core.forms import DateInput, StyledFormMixin, UnitField
from banbiantian.core.metrics import Period
from banbiantian.core.models import Level
from banbiantian.people.choices import AgeBand
from banbiantian.people.models import SpecialGroup

from .models import (
    STAGES,
    Diagnosis,
    FundEntry,
    HelperKind,
    Kind,
    LegalBasis,
    ReliefPolicy,
    Result,
    SensitiveKind,
    Status,
    VisitKind,
)

MONEY_WIDGET = {"inputmode": "decimal", "step": "0.01", "min": "0.01"}


class PersonPicker(forms.Widget):
    """A search box whose results are radios named after the field (care/_picker.html).

    No hidden input of the same name: a browser posts exactly the radio picked. A form shown again
    with errors keeps the person picked (`picked`, set by the form from the user's scope)."""

    template_name = "care/_picker_widget.html"

    def __init__(self, placeholder="", attrs=None):
        super().__init__(attrs)
        self.placeholder = placeholder
        self.picked = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(placeholder=self.placeholder, picked=self.picked)
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)


PICK_PLACEHOLDER = _("姓名、拼音首字母或电话")


def person_pick_field(label, message, required=True):
    return forms.IntegerField(label=label, required=required, widget=PersonPicker(placeholder=PICK_PLACEHOLDER),
                              error_messages={"required": message, "invalid": message})


class PickerFormMixin:
    """Forms with a person picked from a search: pass `user` to keep the pick when shown again."""

    def keep_picks(self, user):
        from banbiantian.core.access import scope
        from banbiantian.people.models import Person

        for name, field in self.fields.items():
            if isinstance(field.widget, PersonPicker) and self.is_bound:
                raw = self.data.get(self.add_prefix(name), "")
                field.widget.picked = list(scope(Person.objects.filter(pk=raw), user, "edit_care")
                                           .select_related("unit")) if str(raw).isdigit() else []
        return self


def _money(label, required=False):
    return forms.DecimalField(label=label, required=required, max_digits=12, decimal_places=2,
                              min_value=0.01, widget=forms.NumberInput(attrs=MONEY_WIDGET),
                              error_messages={"max_decimal_places": _("最多保留两位小数(到分)。"),
                                              "min_value": _("必须大于零。"), "invalid": _("请输入有效的金额。")})


def _unit_field(label, **kwargs):
    """A unit a new care record is filed under: county down to village, open units only."""
    return UnitField(label=label, exclude_levels=[Level.PROVINCE, Level.CITY], show_level=False,
                     empty_label=_("请选择"), **kwargs)


class ProgrammeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=100)
    kind = forms.ChoiceField(label=_("项目类别"), choices=Kind.choices)
    unit = _unit_field(_("组织单位"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    budget = _money(_("预算(元)"))
    fund_source = forms.CharField(label=_("资金来源"), max_length=100, required=False)
    target_groups = forms.ModelMultipleChoiceField(label=_("面向特殊群体"), queryset=SpecialGroup.objects.all(),
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    eligibility = forms.CharField(label=_("对象条件"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_care", keep=self.initial.get("unit"))
        self.fields["target_groups"].widget.attrs["class"] = ""
        self.fields["year"].initial = timezone.localdate().year


class EnrolForm(StyledFormMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("帮扶项目"), queryset=None, empty_label=_("请选择"))
    reason = forms.CharField(label=_("申请理由"), max_length=300, required=False)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class TransitionForm(StyledFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("处理"), choices=Status.choices)
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)


class PairingForm(PickerFormMixin, StyledFormMixin, forms.Form):
    helper_kind = forms.ChoiceField(label=_("帮扶人身份"), choices=HelperKind.choices, widget=forms.RadioSelect,
                                    initial=HelperKind.CARING_MOTHER)
    helper = person_pick_field(_("帮扶人(志愿者、爱心妈妈等已登记人员)"), _("请先查找并选择帮扶人。"), required=False)
    helper_user = forms.ModelChoiceField(label=_("帮扶干部(本单位及下级的系统用户)"), queryset=None, required=False,
                                         empty_label=_("请选择"))
    start_date = forms.DateField(label=_("结对日期"), widget=DateInput())
    programme = forms.ModelChoiceField(label=_("帮扶项目"), queryset=None, required=False, empty_label=_("无"))
    situation = forms.CharField(label=_("家庭情况"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))

    def __init__(self, *args, programmes, user, **kwargs):
        from banbiantian.core.models import User

        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["start_date"].initial = timezone.localdate()
        self.fields["helper_kind"].widget.attrs["class"] = ""
        self.fields["helper_user"].queryset = User.objects.filter(
            is_active=True, unit__path__startswith=user.unit.path).select_related("unit").order_by("unit__path",
                                                                                                  "username")
        self.fields["helper_user"].label_from_instance = lambda u: f"{u} · {u.unit.name}"
        self.keep_picks(user)

    def clean(self):
        data = super().clean()
        if data.get("helper_kind") == HelperKind.CADRE:
            if not data.get("helper_user") and not data.get("helper"):
                self.add_error("helper_user", _("帮扶人身份为妇联干部时，请选择帮扶干部(或查找已登记的人员)。"))
        elif not data.get("helper"):
            self.add_error("helper", _("请先查找并选择帮扶人。"))
        if data.get("helper_kind") != HelperKind.CADRE:
            data["helper_user"] = None
        elif data.get("helper_user"):
            data["helper"] = None
        return data


class VisitForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("方式"), choices=VisitKind.choices)
    done = forms.CharField(label=_("帮扶内容"), widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))
    needs = forms.CharField(label=_("发现的需求"), required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))
    next_step = forms.CharField(label=_("下一步"), max_length=300, required=False)


class EndForm(StyledFormMixin, forms.Form):
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
    confirm = forms.BooleanField(label=_("确认结束：结束后不能再记录走访"),
                                 error_messages={"required": _("请勾选确认后再结束结对。")})


class CorrectionReasonForm(StyledFormMixin, forms.Form):
    """冲销 / 作废: the reason is required and kept with the record and in the audit log."""

    reason = forms.CharField(label=_("原因"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}),
                             error_messages={"required": _("请填写原因。")})


class _BenefitFields(StyledFormMixin, forms.Form):
    cash = _money(_("现金(元)"))
    goods = forms.CharField(label=_("物品"), max_length=200, required=False)
    goods_value = _money(_("物品折价(元)"))
    fund = forms.ModelChoiceField(label=_("善款资金"), queryset=None, required=False, empty_label=_("不从善款支出"))
    fund_source = forms.CharField(label=_("资金来源"), max_length=100, required=False,
                                  help_text=_("留空时取所选资金或项目的资金来源。"))
    delivered_by = forms.CharField(label=_("发放人"), max_length=100)
    overdraw_reason = forms.CharField(label=_("透支原因"), max_length=300, required=False,
                                      help_text=_("仅当善款余额不足时填写。"))


class BenefitForm(_BenefitFields):
    programme = forms.ModelChoiceField(label=_("帮扶项目"), queryset=None, empty_label=_("请选择"))
    given_on = forms.DateField(label=_("发放日期"), widget=DateInput())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    field_order = ["programme", "given_on", "cash", "goods", "goods_value", "fund", "fund_source", "delivered_by"]

    def __init__(self, *args, programmes, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["fund"].queryset = funds
        self.fields["given_on"].initial = timezone.localdate()


class RoundFilterForm(StyledFormMixin, forms.Form):
    """Who is visited: the people list's filters (unit, special group, age band)."""

    unit = _unit_field(_("单位"))
    group = forms.ModelChoiceField(label=_("特殊群体"), queryset=SpecialGroup.objects.all(), required=False,
                                   empty_label=_("全部"))
    age_band = forms.ChoiceField(label=_("年龄段"), choices=[("", _("全部"))] + AgeBand.choices, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_care")


class RoundForm(_BenefitFields):
    programme = forms.ModelChoiceField(label=_("帮扶项目"), queryset=None, empty_label=_("请选择"))
    name = forms.CharField(label=_("慰问名称"), max_length=100, help_text=_("如：2026春节慰问"))
    date = forms.DateField(label=_("慰问日期"), widget=DateInput())
    field_order = ["programme", "name", "date", "cash", "goods", "goods_value", "fund", "fund_source", "delivered_by"]

    def __init__(self, *args, programmes, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["fund"].queryset = funds


class FundForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("资金名称"), max_length=100)
    unit = _unit_field(_("管理单位"))
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_care")


class FundEntryForm(StyledFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("收支"), choices=FundEntry.Direction.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    party = forms.CharField(label=_("捐赠人/去向"), max_length=100)
    amount = _money(_("金额(元)"))
    goods = forms.CharField(label=_("物品"), max_length=200, required=False)
    goods_value = _money(_("物品折价(元)"))
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)
    overdraw_reason = forms.CharField(label=_("透支原因"), max_length=300, required=False)


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("筛查活动"), max_length=100)
    unit = _unit_field(_("组织单位"))
    date = forms.DateField(label=_("筛查日期"), widget=DateInput())
    institution = forms.CharField(label=_("筛查机构"), max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_care")


class ResultForm(PickerFormMixin, StyledFormMixin, forms.Form):
    person = person_pick_field(_("受检妇女"), _("请先查找并选择受检妇女。"))
    cervical = forms.BooleanField(label=_("宫颈癌筛查"), required=False, initial=True)
    breast = forms.BooleanField(label=_("乳腺癌筛查"), required=False, initial=True)
    result = forms.ChoiceField(label=_("结果"), choices=Result.choices)
    diagnosis = forms.ChoiceField(label=_("确诊类型"), choices=Diagnosis.choices, required=False)
    stage = forms.ChoiceField(label=_("分期"), choices=[("", "—")] + [(s, s) for s in STAGES], required=False)
    follow_up = forms.CharField(label=_("随访情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    treatment = forms.CharField(label=_("治疗情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.keep_picks(user)


class ResultEditForm(ResultForm):
    """Correcting a result (异常需复查 → 确诊 after the follow-up): the woman and the campaign stay."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["person"]


class ConsentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("信息类别"), choices=SensitiveKind.choices)
    basis = forms.ChoiceField(label=_("处理依据"), choices=LegalBasis.choices)
    given_on = forms.DateField(label=_("日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class PolicyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("政策名称"), max_length=100, initial=_("低收入妇女“两癌”救助"))
    unit = _unit_field(_("制定单位"))
    amount = _money(_("救助金额(元)"), required=True)
    categories = forms.CharField(label=_("低收入类别"), widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("每行一个类别。"),
                                 initial="低保对象\n低保边缘家庭\n特困供养人员\n支出型困难家庭\n防止返贫监测对象")
    cervical_min_stage = forms.ChoiceField(label=_("宫颈癌起付分期"), choices=[(s, s) for s in STAGES], initial="IIB")
    breast_any_invasive = forms.BooleanField(label=_("浸润性乳腺癌均可救助"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "approve_care")
        self.fields["amount"].initial = "10000.00"


class ReliefApplyForm(StyledFormMixin, forms.Form):
    policy = forms.ModelChoiceField(label=_("救助政策"), queryset=None, empty_label=_("请选择"))
    category = forms.ChoiceField(label=_("低收入类别"), choices=())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        policies = list(policies)
        self.fields["policy"].queryset = ReliefPolicy.objects.filter(pk__in=[p.pk for p in policies])
        # The categories each policy recognises (低保对象, 低保边缘家庭, 特困供养人员 …), grouped by policy;
        # the service checks the one chosen belongs to the policy chosen.
        groups = [(p.name, [(c, c) for c in p.categories]) for p in policies]
        self.fields["category"].choices = [("", _("请选择"))] + (groups[0][1] if len(groups) == 1 else groups)
        self.fields["year"].initial = timezone.localdate().year


class ReliefTransitionForm(StyledFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("处理"), choices=Status.choices)
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)
    paid_on = forms.DateField(label=_("发放日期"), required=False, widget=DateInput(),
                              help_text=_("结束(已发放)时必填。"))

    def clean(self):
        data = super().clean()
        if data.get("to") == Status.ENDED and not data.get("paid_on"):
            self.add_error("paid_on", _("结束(已发放)时请填写发放日期。"))
        return data


class StatsForm(StyledFormMixin, forms.Form):
    """Any unit in the user's scope and any period: a year, a half, a quarter or a month."""

    unit = UnitField(label=_("单位"), exclude_levels=[Level.COMMITTEE], for_new=False, show_level=False, required=False,
                     empty_label=_("本单位"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    kind = forms.ChoiceField(label=_("期间"), required=False, choices=[
        ("year", _("全年")), ("half", _("半年")), ("quarter", _("季度")), ("month", _("月份"))])
    number = forms.IntegerField(label=_("第几期"), min_value=1, max_value=12, required=False,
                                help_text=_("上/下半年填1或2，季度填1至4，月份填1至12。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "view_care")

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or "year"
        year = data.get("year") or timezone.localdate().year
        number = data.get("number") or 1
        try:
            data["period"] = Period(kind, year, 1 if kind == "year" else number)
        except ValueError:
            limit = {"half": 2, "quarter": 4, "month": 12}[kind]
            raise forms.ValidationError({"number": _("第几期应在1至%(n)d之间。") % {"n": limit}}) from None
        return data


class SpringBudForm(StyledFormMixin, forms.Form):
    school = forms.CharField(label=_("就读学校"), max_length=100)
    grade = forms.CharField(label=_("年级"), max_length=20)
    donor = forms.CharField(label=_("资助人"), max_length=100, required=False)
    registered_on = forms.DateField(label=_("登记日期"), widget=DateInput())
    family_situation = forms.CharField(label=_("家庭情况"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))


class _FundFields(forms.Form):
    """Paid from a fund (善款): optional; an overdraft needs its reason."""

    fund = forms.ModelChoiceField(label=_("从善款资金支出"), queryset=None, required=False, empty_label=_("不从善款支出"))
    overdraw_reason = forms.CharField(label=_("透支原因"), max_length=300, required=False,
                                      help_text=_("仅当善款余额不足时填写。"))

    def __init__(self, *args, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds


class SpringBudAidForm(StyledFormMixin, _FundFields):
    term = forms.CharField(label=_("学期"), max_length=20, help_text=_("如：2026春"))
    amount = _money(_("资助金额(元)"), required=True)
    donor = forms.CharField(label=_("资助人"), max_length=100)
    paid_on = forms.DateField(label=_("发放日期"), widget=DateInput())
    field_order = ["term", "amount", "donor", "paid_on", "fund", "overdraw_reason"]


class LeftSchoolForm(StyledFormMixin, forms.Form):
    left_on = forms.DateField(label=_("离校日期"), widget=DateInput())
    reason = forms.CharField(label=_("离校原因"), max_length=200)


class CensusRoundForm(StyledFormMixin, forms.Form):
    unit = _unit_field(_("组织单位"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("普查名称"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_care")
        self.fields["year"].initial = timezone.localdate().year


class HomeForm(StyledFormMixin, forms.Form):
    unit = _unit_field(_("所在村(社区)"))
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_care")


class CensusChildForm(PickerFormMixin, StyledFormMixin, forms.Form):
    child = person_pick_field(_("儿童"), _("请先查找并选择儿童。"))
    guardian = forms.CharField(label=_("监护人"), max_length=50)
    father_whereabouts = forms.CharField(label=_("父亲外出务工地"), max_length=100, required=False)
    mother_whereabouts = forms.CharField(label=_("母亲外出务工地"), max_length=100, required=False)
    school = forms.CharField(label=_("就读学校"), max_length=100, required=False)
    needs = forms.CharField(label=_("需求"), max_length=300, required=False)
    home = forms.ModelChoiceField(label=_("儿童之家"), queryset=None, required=False, empty_label=_("无"))

    def __init__(self, *args, homes, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home"].queryset = homes
        if user is not None:
            self.keep_picks(user)


class CensusChildEditForm(CensusChildForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["child"]


class InsuranceEditForm(StyledFormMixin, forms.Form):
    insurer = forms.CharField(label=_("承保公司"), max_length=100)
    payer = forms.CharField(label=_("捐赠人"), max_length=100, required=False,
                            help_text=_("保费金额或支付方有误时，请作废本保单后重新投保。"))


class InsuranceForm(StyledFormMixin, _FundFields):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    insurer = forms.CharField(label=_("承保公司"), max_length=100)
    premium = _money(_("保费(元)"), required=True)
    paid_by = forms.ChoiceField(label=_("保费支付方"), choices=[("self", _("本人")), ("federation", _("妇联")),
                                                             ("donor", _("爱心捐赠"))])
    payer = forms.CharField(label=_("捐赠人"), max_length=100, required=False)
    field_order = ["year", "insurer", "premium", "paid_by", "payer", "fund", "overdraw_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ClaimForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("理赔日期"), widget=DateInput())
    reason = forms.CharField(label=_("出险原因"), max_length=200)
    amount_paid = _money(_("赔付金额(元)"), required=True)
