"""Periods follow the form (a wrong kind is a Chinese message); empty choices are Chinese."""



def test_a_period_of_the_wrong_kind_is_a_chinese_message_and_periods_follow_the_form(form, tree, personas, login):
    from django.urls import reverse

    from banbiantian.statforms.models import FormDefinition

    annual = FormDefinition.objects.get(code="妇统年1表")
    client = login(personas.county)
    for name in ("statforms:summary", "statforms:chart"):
        page = client.get(reverse(name), {"form": annual.pk, "unit": tree.county.pk, "period": "2026-Q4"})
        text = page.content.decode()
        assert page.status_code == 200 and "报告期“2026-Q4”不适用于" in text, name
        assert 'value="2025"' in text and 'value="2025-Q4"' not in text
    chart = client.get(reverse("statforms:chart"), {"form": annual.pk}).content.decode()
    first = annual.cells.first()
    assert f'<option value="{first.code}"' in chart


def test_empty_choices_are_chinese(form, personas, login):
    from django.urls import reverse

    client = login(personas.county)
    for url in (reverse("statforms:summary"), reverse("statforms:chart"), reverse("statforms:form", args=[form.pk]),
                reverse("statforms:form_edit", args=[form.pk]), reverse("statforms:form_create")):
        text = client.get(url).content.decode()
        assert "Select an option" not in text and "---------" not in text, url
