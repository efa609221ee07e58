import datetime

import pytest
from django.utils import timezone

from banbiantian.conftest import PASSWORD, make_person
from banbiantian.core.models import User
from banbiantian.core.roles import Role
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
def other_chair(tree):
    return User.objects.create_user(username="other_chair", password=PASSWORD, unit=tree.other_township,
                                    role=Role.TOWNSHIP_CHAIR)


@pytest.fixture
def staff(tree):
    return User.objects.create_user(username="staff", password=PASSWORD, unit=tree.township, role=Role.TOWNSHIP_STAFF)


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
        return services.case_register(by=by, petitioner=person or woman, data=fields, same_matter_as=same)

    return _make


@pytest.fixture
def rights_officer(tree):
    """县妇联权益部干部: sees and approves every township's cases."""
    return User.objects.create_user(username="rights_officer", password=PASSWORD, unit=tree.county,
                                    role=Role.COUNTY_RIGHTS)


@pytest.fixture
def county_staff(tree):
    return User.objects.create_user(username="county_staff", password=PASSWORD, unit=tree.county,
                                    role=Role.COUNTY_STAFF)
