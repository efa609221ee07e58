"""The test tree and the one set of test personas every app's tests use (banbiantian/conftest.py
turns them into the `tree` and `personas` fixtures).

The tree: 清溪县 → 东塘镇 (东塘村 = village A, 桥头村 = village B) and 西岭乡 (西岭村).
The five shared personas, made with the fixture: county officer (county admin), township chair of
东塘镇, village A director, village B director (the outsider for village A's records), a read-only
viewer at the county. The others are made the first time a test asks for them (`personas.county_rights`
or the fixture of the same name): the county's rights officer, county staff (care, plans), township
staff of 东塘镇 and the chair of the other township (西岭乡).
"""

from banbiantian.core.models import Level, OrgUnit, User
from banbiantian.core.roles import Role

PASSWORD = "Banbiantian-2026!"

# persona -> (username, unit in the tree, role)
SHARED = {
    "county": ("county", "county", Role.COUNTY_ADMIN),
    "chair": ("chair", "township", Role.TOWNSHIP_CHAIR),
    "village_a": ("village_a", "village_a", Role.VILLAGE_DIRECTOR),
    "village_b": ("village_b", "village_b", Role.VILLAGE_DIRECTOR),
    "viewer": ("viewer", "county", Role.VIEWER),
}
OTHERS = {
    # 县妇联权益部干部: sees and approves every township's cases.
    "county_rights": ("rights_officer", "county", Role.COUNTY_RIGHTS),
    "county_staff": ("county_staff", "county", Role.COUNTY_STAFF),
    "township_staff": ("staff", "township", Role.TOWNSHIP_STAFF),
    "other_chair": ("other_chair", "other_township", Role.TOWNSHIP_CHAIR),
}
PERSONAS = list(SHARED)  # the columns of most permission matrices


def make_unit(code, name, level, parent=None) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=name, level=level, parent=parent)


class Tree:
    def __init__(self):
        self.county = make_unit("330122000000", "清溪县", Level.COUNTY)
        self.township = make_unit("330122101000", "东塘镇", Level.TOWNSHIP, self.county)
        self.other_township = make_unit("330122201000", "西岭乡", Level.TOWNSHIP, self.county)
        self.village_a = make_unit("330122101001", "东塘村", Level.VILLAGE, self.township)
        self.village_b = make_unit("330122101002", "桥头村", Level.VILLAGE, self.township)
        self.village_c = make_unit("330122201001", "西岭村", Level.VILLAGE, self.other_township)


def make_user(username, unit, role) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, unit=unit, role=role,
                                    full_name=username)


class Personas:
    """The shared personas, made at once; the others (OTHERS) on first use, once per test."""

    def __init__(self, tree: Tree):
        self._tree = tree
        for name in SHARED:
            getattr(self, name)

    def __getattr__(self, name):
        if name.startswith("_") or name not in SHARED | OTHERS:
            raise AttributeError(name)
        username, unit, role = (SHARED | OTHERS)[name]
        user = make_user(username, getattr(self._tree, unit), role)
        setattr(self, name, user)
        return user
