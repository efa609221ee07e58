"""The 关爱帮扶 section of the year-end summary (planning/summary.py fills it from the metrics).
The template syntax ({key}, 〔optional parts〕, {so_far}, {as_of}, {now}, {year}) is explained in
planning/summary.py; what each sentence's figures count is listed in docs/summary-figures.md."""

SECTION = ("关爱帮扶困难妇女儿童", [
    # An imported roster brings applications and approvals only: they are work of the year too.
    "{so_far}〔受理帮扶申请{care__enrolments_applied}人〕〔，审核通过帮扶对象{care__beneficiaries_approved}人〕。",
    "{so_far}〔共帮扶困难妇女儿童{care__people_reached}人〕〔，发放帮扶{care__benefits_given}次〕"
    "〔，发放|现金{care__benefit_cash}元|物品折价{care__benefit_goods_value}元〕。",
    "深化结对帮扶，{so_far}共有结对{care__pairings_active}对〔，结对帮扶对象{care__people_paired}人〕"
    "〔，其中贫困母亲{care__poor_mothers_paired}人〕〔；走访结对对象{care__pairing_visits}次〕。",
    # A woman screened once is one 人次 whether she had one test or both: the two tests are not parts
    # of the whole (they add up to more when women had both), so no "其中".
    "组织两癌筛查，受检妇女{care__screened}人次〔，分项目计（同时做两项的分别计入）|宫颈癌筛查{care__screened_cervical}人次|"
    "乳腺癌筛查{care__screened_breast}人次〕"
    "〔；发现异常{care__screening_abnormal}人次〕〔，至{now}已随访{care__screening_followed_up}人次〕"
    "〔，异常随访率{care__screening_follow_up_rate}〕。",
    "〔批准两癌救助{care__relief_approved}人〕〔，救助金额{care__relief_amount}元〕。",
    "实施春蕾计划，资助女童{care__spring_bud_girls_aided}人〔，资助金额{care__spring_bud_aid_amount}元〕。",
    "开展{year}年度留守儿童普查，普查登记留守儿童{care__left_behind_children}人。",
    "推进女性安康保险，{year}年度参保{care__insurance_policies}人〔，保费{care__insurance_premiums}元〕"
    "〔；{so_far}赔付{care__insurance_claims_paid}元〕。",
    "〔募集爱心捐款{care__donations_in}元〕〔，接收捐赠物品折价{care__donated_goods_value}元〕"
    "〔，善款支出{care__donations_out}元〕。",
])
