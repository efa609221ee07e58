from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banbiantian.core.forms import DateInput, StyledFormMixin, UnitField
from banbiantian.core.models import Level, User

from . import rules
from .models import Agency, CaseCategory, Channel, Status
from .selectors import assignable_directors


def _today():
    return timezone.localdate()


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _text(label, required=True, rows=2):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows, "col": "col-12"}))


class CaseFieldsForm(StyledFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("来源方式"), choices=Channel.choices, initial=Channel.VISIT)
    category = forms.ModelChoiceField(label=_("类别"), queryset=CaseCategory.objects.filter(active=True),
                                      empty_label=_("请选择"))
    received_on = forms.DateField(label=_("收到日期"), initial=_today, widget=DateInput())
    request = _text(_("诉求"))
    respondent = forms.CharField(label=_("被反映人"), max_length=100, required=False)
    respondent_relation = forms.CharField(label=_("与当事人关系"), max_length=20, required=False)
    narrative = _text(_("反映情况（加密保存）"), required=False, rows=3)
    injuries = _text(_("伤情（加密保存）"), required=False)
    current_address = forms.CharField(label=_("现住址（加密保存）"), max_length=200, required=False)
    reporter_name = forms.CharField(label=_("代为反映人（对被反映人保密）"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("代为反映人电话"), max_length=20, required=False)
    confidential = forms.BooleanField(label=_("保密案件（列表不显示姓名）"), required=False)
    consent_share = forms.BooleanField(label=_("本人同意转办和共享"), required=False)
    consent_contact = forms.BooleanField(label=_("本人同意被联系"), required=False, initial=True)
    skip_level = forms.BooleanField(label=_("越级信访"), required=False)
    lacks_capacity = forms.BooleanField(label=_("当事人无(限制)民事行为能力"), required=False)


class CaseRegisterForm(CaseFieldsForm):
    same_matter_as = forms.TypedChoiceField(label=_("是否同一事项"), required=False, coerce=int, empty_value=None,
                                            widget=forms.RadioSelect)

    def __init__(self, *args, earlier=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["same_matter_as"].choices = [("", _("新的事项"))] + [
            (c.pk, _("与 %(n)s（%(d)s %(c)s）为同一事项") % {"n": c.number, "d": c.received_on, "c": c.category})
            for c in earlier]
        if not earlier:
            del self.fields["same_matter_as"]
        else:
            self.fields["same_matter_as"].widget.attrs.update({"col": "col-12", "class": "me-1"})


    ESSENTIAL = ["same_matter_as", "channel", "category", "request", "respondent", "respondent_relation",
                 "confidential", "consent_share"]

    def essential(self):
        return [self[n] for n in self.ESSENTIAL if n in self.fields]

    def more(self):
        return [self[n] for n in self.fields if n not in self.ESSENTIAL]


class CaseEditForm(CaseFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuickPersonForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    unit = UnitField(label=_("所属村(社区)"), levels=[Level.VILLAGE, Level.COMMITTEE, Level.TOWNSHIP], show_level=False,
                     empty_label=_("请选择"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "edit_people")
        if user.unit.level == Level.VILLAGE:
            self.fields["unit"].initial = user.unit


class CaseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("案件编号或当事人姓名"), "type": "search"}))
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态"))] + Status.choices, required=False)
    category = forms.ModelChoiceField(label=_("类别"), queryset=CaseCategory.objects.all(), required=False,
                                      empty_label=_("全部类别"))
    due = forms.ChoiceField(label=_("期限"), required=False, choices=[
        ("", _("全部")), ("overdue", _("已逾期")), ("soon", _("7日内到期"))])
    dv = forms.BooleanField(label=_("家庭暴力"), required=False)
    high_risk = forms.BooleanField(label=_("高危家暴"), required=False)
    repeat = forms.BooleanField(label=_("重复信访"), required=False)
    skip_level = forms.BooleanField(label=_("越级"), required=False)


class AcceptForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("受理日期"), initial=_today, widget=DateInput())


class RejectForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("告知日期"), initial=_today, widget=DateInput())
    reason = _text(_("不予受理理由"))


class ObjectForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("提出异议日期"), initial=_today, widget=DateInput())
    reason = _text(_("异议理由（如不属于妇联职责）"))


class ReferForm(StyledFormMixin, forms.Form):
    agency = forms.ChoiceField(label=_("转办部门"), choices=Agency.choices)
    receiving_unit = forms.CharField(label=_("接收单位"), max_length=100)
    referred_on = forms.DateField(label=_("转办日期"), initial=_today, widget=DateInput())
    without_consent_reason = forms.CharField(label=_("未经本人同意转办的理由"), max_length=200, required=False)


class ReferralReplyForm(StyledFormMixin, forms.Form):
    replied_on = forms.DateField(label=_("回复日期"), initial=_today, widget=DateInput())
    reply = _text(_("回复内容"))


class MediationForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("调解日期"), initial=_today, widget=DateInput())
    mediators = forms.CharField(label=_("调解员"), max_length=200)
    parties = forms.CharField(label=_("参加人"), max_length=200)
    agreement_reached = forms.BooleanField(label=_("达成协议"), required=False)
    agreement_text = _text(_("协议内容"), required=False)


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    days = forms.IntegerField(label=_("申请延期天数（最多30天）"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延期理由"), max_length=200)


class ExtensionDecisionForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(label=_("审批结果"), coerce=lambda v: v == "yes", choices=[
        ("yes", _("批准延期")), ("no", _("不予批准"))])
    reason = forms.CharField(label=_("审批意见"), max_length=200)
    notice_on = forms.DateField(label=_("告知当事人日期（批准时必填）"), required=False, initial=_today,
                                widget=DateInput())
    notice_how = forms.CharField(label=_("告知方式（批准时必填）"), max_length=60, required=False,
                                 help_text=_("如：电话、书面告知书、当面"))


class ProposeCloseForm(StyledFormMixin, forms.Form):
    outcome = _text(_("办理结果"))
    satisfied = forms.NullBooleanField(label=_("当事人是否满意"), required=False, widget=forms.Select(choices=[
        ("unknown", _("未表态")), ("true", _("满意")), ("false", _("不满意"))]))


class ApproveCloseForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("办结日期"), initial=_today, widget=DateInput())


class ReturnCloseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=200)


class ReturnVisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), initial=_today, widget=DateInput())
    result = _text(_("回访情况"))


class ReviewForm(StyledFormMixin, forms.Form):
    requested_on = forms.DateField(label=_("申请日期"), initial=_today, widget=DateInput())


class ReviewAnswerForm(StyledFormMixin, forms.Form):
    answered_on = forms.DateField(label=_("答复日期"), initial=_today, widget=DateInput())
    outcome = _text(_("复查/复核意见"))


class RiskForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, _weight in rules.RISK_QUESTIONS:
            self.fields[key] = forms.BooleanField(label=label, required=False)
            self.fields[key].widget.attrs.update({"class": "form-check-input", "col": "col-12"})

    def clean(self):
        return {"answers": {k: v for k, v in super().clean().items()}}


class DVForm(StyledFormMixin, forms.Form):
    warning_issued_on = forms.DateField(label=_("告诫书出具日期"), required=False, widget=DateInput())
    warning_issued_by = forms.CharField(label=_("告诫书出具机关"), max_length=60, required=False)
    warning_served_on = forms.DateField(label=_("告诫书送达村(居)委会日期"), required=False, widget=DateInput())
    order_applied_at = forms.DateTimeField(label=_("保护令申请时间"), required=False, widget=DateTimeInput())
    order_urgent = forms.BooleanField(label=_("紧急申请（24小时内裁定）"), required=False)
    order_court = forms.CharField(label=_("受理法院"), max_length=60, required=False)
    order_granted_on = forms.DateField(label=_("保护令签发日期"), required=False, widget=DateInput())
    order_expires_on = forms.DateField(label=_("保护令到期日期"), required=False, widget=DateInput())
    shelter_referral = forms.BooleanField(label=_("已转介庇护"), required=False)
    legal_aid_referral = forms.BooleanField(label=_("已转介法律援助"), required=False)
    mandatory_report_to = forms.CharField(label=_("强制报告对象（如某派出所）"), max_length=60, required=False)
    mandatory_report_at = forms.DateTimeField(label=_("强制报告时间"), required=False, widget=DateTimeInput())
    lacks_capacity = forms.BooleanField(label=_("当事人无(限制)民事行为能力"), required=False)

    def clean(self):
        data = super().clean()
        for key in ("warning_issued_by", "order_court", "mandatory_report_to"):
            data[key] = data.get(key) or ""
        return data


class AssignForm(StyledFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("交给"), queryset=User.objects.none(), required=False,
                                      empty_label=_("不交村跟进"))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["assignee"].queryset = assignable_directors(case).order_by("username")


class VisitForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(label=_("查访日期"), initial=_today, widget=DateInput())
    result = _text(_("查访情况"))


class VillageFollowUpForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(label=_("跟进日期"), initial=_today, widget=DateInput())
    result = _text(_("跟进情况（做了什么，当事人现在怎样）"))


class AttachmentForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("附件（PDF、JPG、PNG、docx）"))


class PeriodForm(StyledFormMixin, forms.Form):
    unit = UnitField(label=_("单位"), exclude_levels=[Level.VILLAGE, Level.COMMITTEE], for_new=False, show_level=False,
                     required=False, empty_label=_("本单位"))
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "view_rights_cases")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


class ScreeningForm(StyledFormMixin, forms.Form):
    unit = UnitField(label=_("村(社区)"), levels=[Level.VILLAGE, Level.COMMITTEE], show_level=False,
                     empty_label=_("请选择"))
    month = forms.DateField(label=_("月份（任一天）"), initial=_today, widget=DateInput())
    none_found = forms.BooleanField(label=_("本月未发现矛盾纠纷"), required=False)
    found = forms.IntegerField(label=_("排查发现"), min_value=0, max_value=9999, initial=0)
    resolved = forms.IntegerField(label=_("化解"), min_value=0, max_value=9999, initial=0)
    escalated = forms.IntegerField(label=_("上报"), min_value=0, max_value=9999, initial=0)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user, "register_rights_cases")
        if user.unit.level == Level.VILLAGE:
            self.fields["unit"].initial = user.unit


class ScreeningCorrectionForm(StyledFormMixin, forms.Form):
    """A filed screening's figures (its village and month stay as filed)."""

    none_found = forms.BooleanField(label=_("本月未发现矛盾纠纷"), required=False)
    found = forms.IntegerField(label=_("排查发现"), min_value=0, max_value=9999)
    resolved = forms.IntegerField(label=_("化解"), min_value=0, max_value=9999)
    escalated = forms.IntegerField(label=_("上报"), min_value=0, max_value=9999)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class PolicyForm(StyledFormMixin, forms.Form):
    number_format = forms.CharField(label=_("案件编号格式"), max_length=60,
                                    help_text=_("可用 {short}（单位简称）、{year}（年份）、{seq}（当年序号）。"))
    short_name = forms.CharField(label=_("单位简称（留空则取单位名称去掉“镇”“乡”等）"), max_length=20, required=False)
    reply_days = forms.IntegerField(label=_("告知处理意见期限（日，≤15）"), min_value=1)
    object_workdays = forms.IntegerField(label=_("交办异议期限（工作日）"), min_value=1, max_value=30)
    close_days = forms.IntegerField(label=_("办结期限（日，≤60）"), min_value=1)
    extension_max_days = forms.IntegerField(label=_("延期上限（日，≤30）"), min_value=1)
    review_request_days = forms.IntegerField(label=_("申请复查/复核期限（日）"), min_value=1, max_value=365)
    review_answer_days = forms.IntegerField(label=_("复查/复核答复期限（日，≤30）"), min_value=1)
    referral_reply_days = forms.IntegerField(label=_("转办回复期限（日）"), min_value=1, max_value=365)
    return_visit_days = forms.IntegerField(label=_("办结后回访期限（日）"), min_value=1, max_value=365)
    dv_visit_offsets = forms.CharField(label=_("告诫书送达后查访（第几天，逗号分隔）"), max_length=40)


class CategoryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("新类别名称"), max_length=40)
    is_domestic_violence = forms.BooleanField(label=_("属于家庭暴力"), required=False)


class HolidayForm(StyledFormMixin, forms.Form):
    day = forms.DateField(label=_("日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("类型"), choices=[("off", _("放假")), ("work", _("调休上班"))])
    name = forms.CharField(label=_("节日"), max_length=20, help_text=_("如：春节、国庆节"))
