"""A petition posted again (a second tap that got through, Back then save) is not silently a second new
matter: with earlier cases the user must answer the repeat question, and a form posted without the answer
is shown again with the recent same-category case offered as the same matter."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from banbiantian.rights.forms import NEW_MATTER
from banbiantian.rights.models import Case, CaseCategory

TODAY = timezone.localdate()


def _post(client, woman, category, **extra):
    return client.post(reverse("rights:register"), {
        "person": woman.pk, "channel": "visit", "category": category.pk, "received_on": TODAY.isoformat(),
        "request": "丈夫不让回娘家", **extra})


def test_the_same_form_posted_twice_is_asked_again_with_the_first_case_offered(personas, login, woman, category):
    client = login(personas.village_a)
    assert _post(client, woman, category).status_code == 302
    first = Case.objects.get()
    again = _post(client, woman, category)  # the form as it was first shown: no repeat question on it
    page = again.content.decode()
    assert again.status_code == 200 and Case.objects.count() == 1
    assert f"已登记同类事项 {first.number}，已预选为同一事项（重复信访）" in page
    offered = re.findall(r'<input type="radio" name="same_matter_as" value="(\w+)"[^>]*\bchecked', page)
    assert offered == [str(first.pk)]

    confirmed = _post(client, woman, category, same_matter_as=first.pk)
    assert confirmed.status_code == 302
    repeat = Case.objects.exclude(pk=first.pk).get()
    assert repeat.is_repeat and repeat.repeat_of == first


def test_another_category_or_an_old_case_is_asked_about_but_not_offered(personas, login, woman, category, new_case):
    old = new_case(personas.village_a, received_on=TODAY - datetime.timedelta(days=90))
    other = CaseCategory.objects.exclude(pk=category.pk).filter(active=True).first()
    client = login(personas.village_a)
    response = _post(client, woman, other)
    page = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 1
    assert "请确认本次是否为同一事项。" in page and "已预选" not in page
    assert _post(client, woman, category, same_matter_as=NEW_MATTER).status_code == 302
    new = Case.objects.exclude(pk=old.pk).get()
    assert not new.is_repeat and new.repeat_of is None
