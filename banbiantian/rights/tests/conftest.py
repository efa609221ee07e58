import datetime

import pytest
from django.utils import timezone

from banbiantian.conftest import make_person
from banbiantian.rights import services
from banbiantian.rights.models import CaseCategory

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                     "OPTIONS": {"location": tmp_path}}}


@pytest.fixture
def category(db):
    return CaseCategory.objects.get(code="marriage")


@pytest.fixture
def dv_category(db):
    return CaseCategory.objects.get(code="dv")


@pytest.fixture
def woman(tree):
    return make_person(tree.village_a, "王秀英", phone="13800000001", address="东塘村3组")


@pytest.fixture
def new_case(category, woman):
    def _make(by, person=None, *, received_on=TODAY - datetime.timedelta(days=3), **data):
        fields = {"channel": "visit", "category": category, "request": "要求调解家庭矛盾", "received_on": received_on,
                  "consent_share": True}
        fields.update(data)
        same = fields.pop("same_matter_as", None)
        return services.case_register(by=by, petitioner=person or woman, **fields, same_matter_as=same)

    return _make
