"""Care records are filed under open units only: a merged village is neither offered nor accepted."""

import pytest

from banbiantian.care import forms
from banbiantian.core.tests.test_unit_picker import assert_new_records_refuse, make_closed, offered


@pytest.mark.parametrize("form_class", [forms.ProgrammeForm, forms.RoundFilterForm, forms.FundForm,
                                        forms.CampaignForm, forms.PolicyForm, forms.CensusRoundForm, forms.HomeForm])
def test_new_records_refuse_a_closed_unit(form_class, tree, personas):
    assert_new_records_refuse(form_class, make_closed(tree), user=personas.county)


def test_statistics_still_reach_a_closed_unit(tree, personas):
    closed = make_closed(tree)
    assert "桥西村" in offered(forms.StatsForm(user=personas.county).fields["unit"])
    assert forms.StatsForm(data={"unit": closed.pk}, user=personas.county).is_valid()


def test_the_services_refuse_a_closed_unit_for_a_new_record(tree, personas):
    import datetime

    from django.core.exceptions import ValidationError

    from banbiantian.care import services
    from banbiantian.care.models import Programme

    closed = make_closed(tree)
    for create in (lambda: services.programme_create(by=personas.county, unit=closed, name="春节慰问", kind="pairing",
                                                     year=2026),
                   lambda: services.fund_create(by=personas.county, unit=closed, name="爱心基金"),
                   lambda: services.campaign_create(by=personas.county, unit=closed, name="两癌筛查",
                                                    date=datetime.date.today(), institution="县妇保院"),
                   lambda: services.census_round_create(by=personas.county, unit=closed, year=2026, name="普查"),
                   lambda: services.childrens_home_create(by=personas.county, unit=closed, name="儿童之家")):
        with pytest.raises(ValidationError, match="“桥西村”已撤销或尚未启用"):
            create()
    assert not Programme.objects.exists()
