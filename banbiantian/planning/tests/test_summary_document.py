"""The year-end summary (.docx) leaves the parts with nothing to say out."""

from banbiantian.core import areas
from banbiantian.planning import summary


def test_summary_leaves_zero_parts_out():
    template = ("〔收到家庭暴力案件{rights__dv_cases}件〕〔，其中|高风险{rights__dv_risk_high}件|"
                "危险级{rights__dv_risk_danger}件〕〔；协助当事人申请人身安全保护令{rights__protection_orders_applied}件〕"
                "〔，法院签发{rights__protection_orders_granted}份〕。")
    figures = {"rights.dv_cases": 8, "rights.dv_risk_high": 2, "rights.dv_risk_danger": 0,
               "rights.protection_orders_applied": 0, "rights.protection_orders_granted": 1}
    text = summary._drop_empty(template, figures).format(rights__dv_cases=8, rights__dv_risk_high=2,
                                                         rights__protection_orders_granted=1)
    assert text == "收到家庭暴力案件8件，其中高风险2件，法院签发1份。"
    figures.update({"rights.dv_cases": 0, "rights.dv_risk_high": 0})
    assert summary._drop_empty(template, figures) == "法院签发{rights__protection_orders_granted}份。"
    # A rate without a denominator (None) is left out too.
    assert summary._drop_empty("办结{a__b}件〔，办结率{a__c}〕。", {"a.b": 3, "a.c": None}) == "办结{a__b}件。"
    # A sentence opening with {so_far} keeps it when its first part is left out.
    assert summary._drop_empty("{so_far}〔受理{a__b}人〕〔，通过{a__c}人〕。", {"a.b": 0, "a.c": 1}) == "{so_far}通过{a__c}人。"
    wording = "".join(t for _a, _h, templates in areas.summary_sections() for t in templates)
    assert "危险等级" not in wording and "危险级" in wording
    assert "协助出具" not in wording and "其中|宫颈癌" not in wording
