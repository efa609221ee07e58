"""The 人员信息 section of the year-end summary (planning/summary.py fills it from the metrics).

{key} placeholders are metric keys with "." → "__"; the wording follows the seeds' own summaries.
〔…〕 is an optional part, left out when its figures are all zero (or no rate can be given);
〔prefix|item|item〕 keeps the items with a figure and joins them with "、" after the prefix.
{so_far} is "全年" for a finished year and "年初至M月D日" for the running one; {as_of} "年底" or
"M月D日" (what a stock figure is taken at); {year} the year.
"""

SECTION = ("摸清底数，建立妇女儿童基础信息库", [
    "截至{as_of}，共登记人员{people__persons}人〔，其中|18周岁以上妇女{people__women}人|"
    "未成年人{people__children}人〕〔，登记家庭户{people__households}户〕"
    "〔；{so_far}新登记18周岁以上妇女{people__women_new}人〕。",
    "登记在册的特殊群体人员{people__special_group_people}人〔，其中|留守妇女{people__group__left_behind_women}人|"
    "贫困母亲{people__group__poor_mothers}人|单亲特困母亲{people__group__single_poor_mothers}人|"
    "留守儿童{people__group__left_behind_children}人|困境儿童{people__group__children_in_plight}人〕。",
])
