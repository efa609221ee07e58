import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banbiantian.core.models import OrgUnit
from banbiantian.lib import idnumber

from .choices import ETHNICITY_CHOICES, Education, MaritalStatus, PoliticalStatus, Relation, Sex


class Household(models.Model):
    """A registered household (户): people in it carry their relation to the head."""

    scope_field = "unit"

    unit = models.ForeignKey(OrgUnit, verbose_name=_("所属村(社区)"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")

    def __str__(self):
        head = next((p for p in self.members.all() if p.relation_to_head == Relation.HEAD), None)
        return _("%(name)s户") % {"name": head.name} if head else _("家庭户 %(id)s") % {"id": self.pk}


class SpecialGroup(models.Model):
    """特殊群体 (留守妇女, 贫困母亲 …): data, so a county can add its own."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    for_children = models.BooleanField(_("儿童群体"), default=False)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("特殊群体")
        verbose_name_plural = _("特殊群体")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class Person(models.Model):
    scope_field = "unit"

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属村(社区)"), on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(_("姓名"), max_length=50)
    # Search keys kept beside the name: full pinyin ("wangxiuying") and initials ("wxy").
    name_pinyin = models.CharField(max_length=200, editable=False, default="", verbose_name=_("姓名拼音"))
    name_initials = models.CharField(max_length=50, editable=False, default="", verbose_name=_("姓名首字母"))
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, null=True, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, default=Sex.FEMALE)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, default="")
    ethnicity = models.CharField(_("民族"), max_length=10, choices=ETHNICITY_CHOICES, default="汉族")
    education = models.CharField(_("文化程度"), max_length=16, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    marital_status = models.CharField(_("婚姻状况"), max_length=10, choices=MaritalStatus.choices, blank=True)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, blank=True)
    guardian = models.ForeignKey(
        "self", verbose_name=_("监护人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="wards"
    )
    note = models.TextField(_("备注"), blank=True)
    possible_duplicate = models.BooleanField(_("疑似重复"), default=False)
    # The last four characters of the ID number and the phone (尾号), kept by the database so that a search
    # by 尾号 reads an index instead of testing every number in the county.
    id_tail = models.GeneratedField(expression=Right("id_number", 4), output_field=models.CharField(max_length=4),
                                    db_persist=True, verbose_name=_("身份证号尾号"))
    phone_tail = models.GeneratedField(expression=Right("phone", 4), output_field=models.CharField(max_length=4),
                                       db_persist=True, verbose_name=_("电话尾号"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    , verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit_id", "name", "id"]
        indexes = [
            models.Index(fields=["unit", "name", "id"], name="person_unit_name"),
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["name_initials"], name="person_initials"),
            models.Index(fields=["name_pinyin"], name="person_pinyin"),
            models.Index(fields=["phone"], name="person_phone"),
            models.Index(fields=["birth_date"], name="person_birth"),
            models.Index(fields=["id_tail"], name="person_id_tail"),
            models.Index(fields=["phone_tail"], name="person_phone_tail"),
        ]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self) -> str:
        return idnumber.mask(self.id_number or "")

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    @property
    def is_minor(self) -> bool:
        return self.age is not None and self.age < 18


class GroupMembership(models.Model):
    scope_field = "person__unit"

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(SpecialGroup, verbose_name=_("特殊群体"), on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("起始日期"), default=datetime.date.today)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("特殊群体身份")
        verbose_name_plural = _("特殊群体身份")
        ordering = ["group__sort", "start_date"]
        indexes = [models.Index(fields=["group", "person"], name="membership_group_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.group}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()
