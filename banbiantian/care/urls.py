from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("enrolments/<int:pk>/status/", views.enrolment_transition, name="enrolment_transition"),
    path("people/<int:pk>/", views.person_help, name="person"),
    path("people/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("people/<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("people/<int:pk>/pairing/", views.pairing_create, name="pairing_create"),
    path("people/<int:pk>/benefits/new/", views.benefit_create, name="benefit_create"),
    path("households/<int:pk>/", views.household_help, name="household"),
    path("picker/", views.person_picker, name="picker"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pk>/visits/", views.visit_add, name="visit_add"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("pairings/<int:pk>/file/", views.pairing_file, name="pairing_file"),
    path("benefits/", views.benefit_list, name="benefits"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("funds/", views.fund_list, name="funds"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/entries/", views.fund_entry_add, name="fund_entry_add"),
    path("screening/", views.campaign_list, name="campaigns"),
    path("screening/<int:pk>/", views.campaign_detail, name="campaign"),
    path("screening/<int:pk>/results/", views.result_add, name="result_add"),
    path("relief/", views.relief_list, name="relief"),
    path("relief/policy/", views.policy_create, name="policy_create"),
    path("relief/results/<int:pk>/apply/", views.relief_apply, name="relief_apply"),
    path("relief/<int:pk>/status/", views.relief_transition, name="relief_transition"),
    path("springbud/", views.spring_bud_list, name="springbud"),
    path("people/<int:pk>/springbud/", views.spring_bud_register, name="springbud_register"),
    path("springbud/<int:pk>/aid/", views.spring_bud_aid, name="springbud_aid"),
    path("springbud/<int:pk>/left/", views.spring_bud_left, name="springbud_left"),
    path("census/", views.census_list, name="census"),
    path("census/<int:pk>/", views.census_detail, name="census_round"),
    path("census/<int:pk>/children/", views.census_child_add, name="census_child_add"),
    path("insurance/", views.insurance_list, name="insurance"),
    path("people/<int:pk>/insurance/", views.insurance_add, name="insurance_add"),
    path("insurance/<int:pk>/claims/", views.claim_add, name="claim_add"),
    path("stats/", views.stats_view, name="stats"),
    path("stats/xlsx/", views.stats_xlsx, name="stats_xlsx"),
]

# Every list page's .xlsx download (lists.EXPORTS): the page's address + "xlsx/".
XLSX = {
    "programmes": "programmes/xlsx/", "programme": "programmes/<int:pk>/xlsx/", "pairings": "pairings/xlsx/",
    "benefits": "benefits/xlsx/", "round": "rounds/<int:pk>/xlsx/", "fund": "funds/<int:pk>/xlsx/",
    "campaign": "screening/<int:pk>/xlsx/", "relief": "relief/xlsx/", "springbud": "springbud/xlsx/",
    "census_round": "census/<int:pk>/xlsx/", "insurance": "insurance/xlsx/",
}
urlpatterns += [path(route, views.list_xlsx, {"name": name}, name=f"{name}_xlsx") for name, route in XLSX.items()]
