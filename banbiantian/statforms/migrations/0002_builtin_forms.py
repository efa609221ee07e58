"""The three forms every county reports, as data (the county may change them on the forms pages).

Cells name a metric key where the system counts the figure; a key nobody has registered (an
area not built yet) makes the cell typed at run time, so this list never imports app code.
"""

from django.db import migrations

# (code, row, column, value type, metric key, numerator, denominator, unit)
HR_CELLS = [
    ("A1", "登记妇女（期末在册）", "", "count", "people.women", "", "", "人"),
    ("A2", "本期新登记妇女", "", "count", "people.women_new", "", "", "人"),
    ("B1", "女性劳动力", "18-35岁", "count", "", "", "", "人"),
    ("B2", "女性劳动力", "36-45岁", "count", "", "", "", "人"),
    ("B3", "女性劳动力", "46-60岁", "count", "", "", "", "人"),
    ("C1", "其中：外出务工", "18-35岁", "count", "", "", "", "人"),
    ("C2", "其中：外出务工", "36-45岁", "count", "", "", "", "人"),
    ("C3", "其中：外出务工", "46-60岁", "count", "", "", "", "人"),
    ("D1", "参加实用技术培训妇女", "", "count", "development.women_trained", "", "", "人次"),
    ("D2", "转移就业妇女", "", "count", "development.women_employed", "", "", "人"),
    ("D3", "培训后就业比例", "", "share", "", "D2", "D1", "%"),
    ("E1", "留守妇女", "", "count", "people.group.left_behind_women", "", "", "人"),
    ("E2", "失地失业妇女", "", "count", "people.group.landless_jobless_women", "", "", "人"),
]
HR_RULES = [
    ("le", "C1", "B1", None, True, "18-35岁外出务工妇女不能多于该年龄段女性劳动力。"),
    ("le", "C2", "B2", None, True, "36-45岁外出务工妇女不能多于该年龄段女性劳动力。"),
    ("le", "C3", "B3", None, True, "46-60岁外出务工妇女不能多于该年龄段女性劳动力。"),
    ("both", "D1", "D2", None, False, "培训人数和转移就业人数一般同时填报，请核对。"),
    ("prev", "A1", "", "10", True, "登记妇女人数比上期变动超过10%，请说明原因。"),
    ("yoy", "B1", "", "20", True, "18-35岁女性劳动力比上年同期变动超过20%，请说明原因。"),
]

MONITOR_CELLS = [
    ("M1", "两癌筛查人次", "合计", "count", "care.screened", "", "", "人次"),
    ("M2", "两癌筛查人次", "宫颈癌", "count", "care.screened_cervical", "", "", "人次"),
    ("M3", "两癌筛查人次", "乳腺癌", "count", "care.screened_breast", "", "", "人次"),
    ("M4", "两癌筛查异常率", "", "share", "care.screening_abnormal_rate", "", "", "%"),
    ("N1", "村委会成员", "合计", "count", "", "", "", "人"),
    ("N2", "村委会成员", "其中女性", "count", "", "", "", "人"),
    ("N3", "村委会成员中女性比例", "", "share", "", "N2", "N1", "%"),
    ("N4", "女性村委会主任", "", "count", "", "", "", "人"),
    ("P1", "孕产妇死亡", "", "count", "", "", "", "人"),
    ("P2", "婴儿死亡", "", "count", "", "", "", "人"),
    ("P3", "适龄女童义务教育入学率", "", "share", "", "", "", "%"),
    ("Q1", "家庭暴力案件", "", "count", "rights.dv_cases", "", "", "件"),
    ("Q2", "人身安全保护令签发", "", "count", "rights.protection_orders_granted", "", "", "件"),
    ("R1", "留守儿童", "", "count", "care.left_behind_children", "", "", "人"),
    ("R2", "困境儿童", "", "count", "people.group.children_in_plight", "", "", "人"),
]
MONITOR_RULES = [
    ("le", "M2", "M1", None, True, "宫颈癌筛查人次不能多于两癌筛查合计。"),
    ("le", "M3", "M1", None, True, "乳腺癌筛查人次不能多于两癌筛查合计。"),
    ("le", "N2", "N1", None, True, "村委会女性成员不能多于村委会成员合计。"),
    ("le", "N4", "N2", None, True, "女性村委会主任不能多于村委会女性成员。"),
    ("yoy", "R1", "", "30", True, "留守儿童人数比上年变动超过30%，请说明原因。"),
    ("yoy", "N2", "", "30", False, "村委会女性成员比上年变动超过30%，请核对。"),
]

ORG_CELLS = [
    ("H1", "基层妇女组织数", "合计", "count", "", "", "", "个"),
    ("H2", "基层妇女组织数", "村(社区)妇联", "count", "", "", "", "个"),
    ("H3", "基层妇女组织数", "单位妇委会", "count", "", "", "", "个"),
    ("H4", "基层妇女组织数", "新领域妇女组织", "count", "", "", "", "个"),
    ("J1", "妇联执委", "合计", "count", "", "", "", "人"),
    ("J2", "妇联执委", "35岁以下", "count", "", "", "", "人"),
    ("J3", "妇联执委", "大专以上学历", "count", "", "", "", "人"),
    ("J4", "兼职副主席", "", "count", "", "", "", "人"),
    ("K1", "妇女之家", "", "count", "organisation.womens_homes", "", "", "个"),
    ("K2", "妇女之家开展活动", "", "count", "organisation.home_activities", "", "", "次"),
    ("L1", "妇联干部参加培训", "", "count", "", "", "", "人次"),
    ("L2", "妇联工作经费", "", "amount", "", "", "", "元"),
]
ORG_RULES = [
    ("sum", "H1", "H2 H3 H4", None, True, "基层妇女组织合计应等于各类组织之和。"),
    ("le", "J2", "J1", None, True, "35岁以下执委不能多于执委合计。"),
    ("le", "J3", "J1", None, True, "大专以上学历执委不能多于执委合计。"),
    ("both", "K1", "K2", None, False, "有妇女之家的应填报活动次数，请核对。"),
    ("yoy", "J1", "", "30", True, "执委人数比上年变动超过30%，请说明原因。"),
]

FORMS = [
    ("妇统季1表", "女性人力资源情况（季报）", "quarter", "village,township", 10,
     "各村(社区)报乡镇，乡镇汇总后报县妇联。", HR_CELLS, HR_RULES),
    ("妇统年1表", "两纲监测指标（乡镇）", "year", "township", 20,
     "妇女儿童发展纲要中乡镇可掌握的监测指标，乡镇报县妇联。", MONITOR_CELLS, MONITOR_RULES),
    ("妇统年2表", "妇联组织建设情况统计", "year", "village,township", 20,
     "妇联组织数、执委、妇女之家等，各村(社区)报乡镇，乡镇报县妇联。", ORG_CELLS, ORG_RULES),
]


def add(apps, schema_editor):
    FormDefinition = apps.get_model("statforms", "FormDefinition")
    Cell = apps.get_model("statforms", "Cell")
    Rule = apps.get_model("statforms", "Rule")
    for code, name, kind, levels, days, description, cells, rules in FORMS:
        form, created = FormDefinition.objects.get_or_create(code=code, defaults=dict(
            name=name, period_kind=kind, levels=levels, deadline_days=days, description=description))
        if not created:
            continue
        Cell.objects.bulk_create([
            Cell(form=form, code=c, row_label=row, column_label=col, order=i, value_type=vt, metric_key=key,
                 numerator=num, denominator=den, unit_label=unit)
            for i, (c, row, col, vt, key, num, den, unit) in enumerate(cells, start=1)])
        Rule.objects.bulk_create([
            Rule(form=form, kind=k, left=left, right=right, threshold=threshold, blocking=blocking, message=message)
            for k, left, right, threshold, blocking, message in rules])


def remove(apps, schema_editor):
    apps.get_model("statforms", "FormDefinition").objects.filter(code__in=[f[0] for f in FORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("statforms", "0001_forms_reports_values")]
    operations = [migrations.RunPython(add, remove)]
