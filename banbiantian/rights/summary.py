"""The 维权信访 section of the year-end summary (planning/summary.py fills it from the metrics).
The template syntax ({key}, 〔optional parts〕, {so_far}, {as_of}, {closed_by}, {now}, {year}) is explained
in planning/summary.py; what each sentence's figures count is listed in docs/summary-figures.md."""

SECTION = ("依法维护妇女儿童权益，化解矛盾纠纷", [
    # 办结率 = accepted in the year and closed by its end / accepted in the year: said as "其中…办结".
    "{so_far}共收到信访{rights__cases_received}件，受理{rights__cases_accepted}件〔，其中{closed_by}办结"
    "{rights__cases_accepted_closed}件〕〔，办结率{rights__handled_rate}〕。",
    # 按期办结率 and 满意率 are of the cases closed in the year, whenever accepted.
    "〔{so_far}办结信访件{rights__cases_closed}件（含以前受理的）〕〔，按期办结率{rights__on_time_rate}〕"
    "〔，当事人满意率{rights__satisfaction_rate}〕。",
    "〔收到的信访中|重复信访{rights__cases_repeat}件|越级信访{rights__cases_skip_level}件〕。",
    "〔收到家庭暴力案件{rights__dv_cases}件〕〔，受理家庭暴力案件{rights__dv_cases_accepted}件〕"
    "〔；收到的家庭暴力案件按至{now}最近一次风险评估，|高风险{rights__dv_risk_high}件|危险级{rights__dv_risk_danger}件〕"
    "〔；协助当事人向法院申请人身安全保护令{rights__protection_orders_applied}件〕"
    "〔，法院签发人身安全保护令{rights__protection_orders_granted}份〕〔；公安机关出具家庭暴力告诫书{rights__warnings_issued}份〕。",
    "开展矛盾纠纷调解{rights__mediation_sessions}次〔，其中婚姻家庭纠纷调解{rights__family_mediation_sessions}次〕"
    "〔；各类调解共达成调解协议{rights__mediation_agreements}次〕。",
    "开展矛盾纠纷排查，发现矛盾纠纷{rights__screening_found}件〔，化解{rights__screening_resolved}件〕"
    "〔，化解率{rights__screening_resolved_rate}〕〔，上报{rights__screening_escalated}件〕。",
])
