"""The 关爱帮扶 section of the year-end summary (planning/summary.py fills it from the metrics).
The template syntax ({key}, 〔optional parts〕, {so_far}, {as_of}, {year}) is explained in planning/summary.py."""

SECTION = ("关爱帮扶困难妇女儿童", [
    "{so_far}共帮扶困难妇女儿童{care__people_reached}人，发放帮扶{care__benefits_given}次"
    "〔，发放|现金{care__benefit_cash}元|物品折价{care__benefit_goods_value}元〕。",
    "深化结对帮扶，{so_far}在结对{care__pairings_active}对〔，结对帮扶对象{care__people_paired}人〕"
    "〔，其中贫困母亲{care__poor_mothers_paired}人〕〔，走访结对对象{care__pairing_visits}次〕。",
    "组织妇女两癌筛查{care__screened}人次〔，其中|宫颈癌筛查{care__screened_cervical}人次|"
    "乳腺癌筛查{care__screened_breast}人次〕〔；发现异常{care__screening_abnormal}人次〕"
    "〔，异常随访率{care__screening_follow_up_rate}〕〔；批准两癌救助{care__relief_approved}人〕"
    "〔，救助金额{care__relief_amount}元〕。",
    "实施春蕾计划，资助女童{care__spring_bud_girls_aided}人〔，资助金额{care__spring_bud_aid_amount}元〕。",
    "开展{year}年度留守儿童普查，普查登记留守儿童{care__left_behind_children}人。",
    "推进女性安康保险，参保{care__insurance_policies}人〔，保费{care__insurance_premiums}元〕"
    "〔，赔付{care__insurance_claims_paid}元〕。",
    "〔募集爱心捐款{care__donations_in}元〕〔，善款支出{care__donations_out}元〕。",
])
