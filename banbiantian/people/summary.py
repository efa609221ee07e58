"""The 人员信息 section of the year-end summary (planning/summary.py fills it from the metrics).
The template syntax ({key}, 〔optional parts〕, {so_far}, {as_of}, {year}) is explained in planning/summary.py;
what each sentence's figures count is listed in docs/summary-figures.md."""

SECTION = ("摸清底数，建立妇女儿童基础信息库", [
    # Adult women and minors are disjoint parts of the people registered (men 18+ are the rest).
    "截至{as_of}，共登记人员{people__persons}人〔，其中|18周岁以上妇女{people__women}人|"
    "未成年人{people__children}人〕〔，登记家庭户{people__households}户〕"
    "〔；{so_far}新登记18周岁以上妇女{people__women_new}人〕。",
    # A person may be in several groups: the groups are not parts that add up to the whole.
    "{so_far}在册的特殊群体人员{people__special_group_people}人（一人属于多个群体的计一次）"
    "〔；按群体分，|留守妇女{people__group__left_behind_women}人|"
    "贫困母亲{people__group__poor_mothers}人|单亲特困母亲{people__group__single_poor_mothers}人|"
    "留守儿童{people__group__left_behind_children}人|困境儿童{people__group__children_in_plight}人〕。",
])
