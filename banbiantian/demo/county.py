"""The demo county 清溪县: a deterministic, realistic data set for `make run`, the tests and the benchmarks.

`build()` makes the org tree (county → townships/streets → villages/communities, a unit
committee and one merged village kept for its history), the demo logins, and P people in
households with valid ID numbers, phones, special-group memberships and a handful of
deliberate "possible duplicate" pairs. Everything comes from one seeded `random.Random`,
so the same seed gives the same county. People go in with bulk_create in batches inside
one transaction, with their primary keys chosen here so that a child's guardian can point
at a parent without a second pass.
"""

import bisect
import contextlib
import datetime
import itertools
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from stdnum.cn import ric

from banbiantian.core import areas, audit
from banbiantian.core.models import AuditEntry, Level, OrgUnit, User
from banbiantian.core.roles import Role

PASSWORD = "Banbiantian-2026!"
COUNTY_NAME = "清溪县"
AREA = "330122"  # county code: the first six digits of every unit code and ID number
COUNTY_CODE = AREA + "000000"
COMMITTEE_CODE = AREA + "900001"
DEFAULT_SEED = 2026
DEFAULT_TOWNSHIPS = 6
DEFAULT_VILLAGES = 8
DEFAULT_PEOPLE = 3000
MAX_TOWNSHIPS = 200
MAX_VILLAGES = 999
BATCH = 5000
MINOR_MAX_AGE = 16  # age on 1 January of someone who is a minor all year


# --- names -------------------------------------------------------------------------------

def _table(items_with_weights):
    """(items, cumulative weights) for _pick()."""
    items = [item for item, _w in items_with_weights]
    cum = list(itertools.accumulate(w for _i, w in items_with_weights))
    return items, cum


def _zipf(words: str, exponent: float = 0.7):
    """Words listed most common first get weights 1, 1/2^e, 1/3^e …"""
    return _table([(w, 1 / (i + 1) ** exponent) for i, w in enumerate(words.split())])


def _pick(rng: random.Random, table) -> str:
    items, cum = table
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


# Surnames with their approximate share (per mille) in the national population, most common first.
_SURNAME_SHARES = (
    "王:71 李:70 张:67 刘:54 陈:46 杨:31 黄:26 赵:23 吴:20 周:19 徐:15 孙:14 马:13 朱:13 胡:12 郭:11 何:11 "
    "林:10 罗:10 高:10 郑:9 梁:9 谢:8 宋:7 唐:7 许:7 韩:6 冯:6 邓:6 曹:6 彭:5 曾:5 肖:5 田:5 董:5 袁:5 "
    "潘:4 于:4 蒋:4 蔡:4 余:4 杜:4 叶:4 程:4 苏:4 魏:4 吕:4 丁:3 任:3 沈:3 姚:3 卢:3 姜:3 崔:3 钟:3 谭:3 "
    "陆:3 汪:3 范:3 金:3 石:3 廖:3 贾:3 夏:2 韦:2 付:2 方:2 白:2 邹:2 孟:2 熊:2 秦:2 邱:2 江:2 尹:2 薛:2 "
    "闫:2 段:2 雷:2 侯:2 龙:2 史:2 陶:2 黎:2 贺:2 顾:2 毛:2 郝:2 龚:2 邵:2 万:2 钱:2 严:2 覃:1 武:1 戴:1 "
    "莫:1 孔:1 向:1 汤:1 楼:1 俞:1 应:1 童:1 欧阳:0.3 诸葛:0.1 上官:0.1 司马:0.1"
)
SURNAMES = _table([(s, float(w)) for s, w in (pair.split(":") for pair in _SURNAME_SHARES.split())])

# Given names by sex and birth cohort, the commonest of each generation first.
_COHORTS = (1955, 1970, 1985, 2000, 2010)  # cohort i: born before _COHORTS[i] (the last: from 2010 on)
GIVEN = {
    "F": [
        _zipf("秀英 桂英 秀兰 玉兰 桂兰 凤英 秀珍 玉珍 凤兰 翠英 金凤 玉梅 素珍 淑英 桂珍 兰英 月英 菊英 彩凤 "
              "秀芳 爱珍 玉英 秀云 杏花 银花 金花 素英 翠兰 英 兰 珍 芳 梅 凤"),
        _zipf("丽华 红梅 美华 秀梅 玉华 爱华 桂芳 丽萍 小红 彩霞 雪梅 丽芳 红英 素芬 美玲 建英 春花 秋菊 "
              "海英 月娥 亚萍 丽君 小英 艳 红 霞 燕 敏 丽 芬 萍 华 琴"),
        _zipf("丽娟 海燕 春梅 晓红 丽丽 晓燕 红霞 美芳 燕萍 丽娜 秀丽 雅琴 慧敏 小燕 卫红 晓敏 建芬 静 "
              "娟 艳 芳 燕 霞 丽 敏 英 红 平 洁 琳"),
        _zipf("婷婷 丽娜 晓丽 思思 晓婷 燕燕 佳佳 慧 丹丹 雪 倩 婷 敏 静 颖 晶 娜 佳 瑶 蕾 琳 莉 "
              "梦婷 晓雯 雅婷 欣 璐 露 洁 芳"),
        _zipf("欣怡 佳怡 梦琪 雨欣 思雨 诗涵 紫涵 欣然 雨涵 佳琪 静怡 梓涵 可欣 心怡 子涵 思琪 佳欣 "
              "雨婷 雪怡 梦瑶 晓雪 婷 琪 悦 妍 萱 怡 颖"),
        _zipf("梓涵 一诺 欣怡 诗涵 梓萱 依诺 若汐 语桐 可馨 思彤 雨桐 芷若 梓琪 一涵 安琪 欣妍 "
              "悦溪 语嫣 梓淇 沐晴 子墨 芊芊 可可 诺 萱 妍 汐 彤"),
    ],
    "M": [
        _zipf("建国 国强 德明 福生 志明 永福 金根 根生 水生 德华 建华 国华 振华 文华 桂生 长发 有福 "
              "金土 荣华 德兴 明 生 福 林 发 财"),
        _zipf("建军 卫东 建平 国平 志强 建新 永强 卫国 红军 利民 文军 建明 国庆 建伟 建忠 海军 "
              "伟 军 勇 强 平 刚 斌 林 明 华"),
        _zipf("海涛 晓东 志伟 建华 永刚 国栋 俊 伟 涛 磊 鹏 斌 军 勇 杰 强 刚 明 亮 飞 波 辉 华 峰 "
              "超 健 敏 龙"),
        _zipf("晓东 海洋 文杰 志伟 俊杰 建 磊 伟 涛 鹏 斌 浩 杰 超 强 俊 明 亮 飞 凯 阳 帅 鑫 "
              "宇 晨 龙 杨 旭"),
        _zipf("浩然 子豪 宇航 俊杰 浩宇 子轩 博文 宇轩 皓轩 家豪 鹏飞 文博 俊豪 天宇 梓豪 鑫 晨 昊 "
              "宇 浩 阳 杰 涛 辉 凯 博"),
        _zipf("梓轩 浩宇 宇轩 沐辰 子墨 一鸣 梓豪 奕辰 宇泽 俊熙 思远 浩轩 睿 辰 铭 轩 博 瑞 宸 "
              "一航 锦程 子睿 嘉懿 皓宇"),
    ],
}

# --- places ------------------------------------------------------------------------------

TOWN_NAMES = ("东塘 南山 北溪 青石 桃源 枫林 龙门 石桥 双溪 凤凰 大源 长乐 下洋 玉泉 永安 太平 安仁 "
              "横塘 湖口 樟树 松岭 杨村 高桥 平田 兴隆 仁和 新港 临江 白鹤 黄坭 洪塘 梅林 上塘 西坞 "
              "新桥 金鸡 马渡 乌溪 三江 姚庄 塘下 灵山 石门 里港 古竹 长宁 柘林 渔山 东坑 中洲").split()
XIANG_NAMES = ("西岭 白沙 梅溪 柳湾 上坞 金竹 云山 竹溪 和平 黄泥岗 岭头 高坪 方山 东岙 杨梅 大坪 "
               "双峰 岩下 茶园 花桥 汤溪 龙潭 石柱 毛坦 石鼓 林坑 南岙 北山 仙岩 塔山 水口 坪上").split()
STREET_NAMES = ("城关 清泉 新安 银湖 城东 城南 城西 城北 文昌 锦绣 迎春 江滨 溪口 虹桥 五里亭 "
                "湖滨 望江 滨江 朝阳 凤鸣").split()
_FIRST = ("东 西 南 北 前 后 上 下 大 小 新 老 高 石 桥 塘 山 水 竹 松 柳 桃 杨 黄 龙 凤 金 银 青 白 "
          "红 花 梅 兰 荷 枫 桂 茶 樟 溪 岭 岩 坑 湖 田 马 牛 鹤 云 长 平 安 和 双 三 五 八 九 洪 汪").split()
_SECOND = "溪 塘 岭 山 源 桥 坞 口 湾 岗 田 坑 洋 坪 庄 头 畈 湖 岙 垄 埠 塔 园 林 前 里 阳 滩 岩 峰".split()
_CLAN = "陈 王 张 李 周 吴 徐 朱 胡 郑 方 叶 何 林 杨 黄 金 施 应 童 楼 俞 蒋 邵 毛 潘 钱 翁".split()
_CLAN_PLACE = "家 宅 庄 坞 岙 塘 桥".split()
COMMUNITY_NAMES = ("幸福 和平 建设 文昌 人民 前进 胜利 新华 光明 解放 城东 城南 城西 城北 青年 民主 "
                   "团结 振兴 新村 桂花 学院 东门 西门 南门 北门 花园 锦绣 荷花 翠苑 金桥 滨河 龙井").split()
ROADS = "人民路 解放路 建设路 文化路 新华路 和平路 中山路 青年路 光明路 胜利路 学院路 环城路 溪滨路".split()

MOBILE_PREFIXES = ("130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
                   "166 173 177 180 181 182 183 185 186 187 188 189 191 198 199").split()

ETHNICITY = _table([("汉族", 970), ("畲族", 20), ("回族", 3), ("土家族", 2), ("苗族", 2), ("壮族", 1),
                    ("满族", 1), ("布依族", 1)])


@dataclass
class Summary:
    townships: int = 0
    villages: int = 0
    people: int = 0
    women: int = 0
    households: int = 0
    memberships: int = 0
    duplicate_pairs: int = 0
    users: list = field(default_factory=list)  # (username, role label, unit name)
    areas: list = field(default_factory=list)  # one line per area app that seeded its records
    seconds: float = 0.0

    @property
    def description(self) -> str:
        return (f"演示数据：{self.townships}个乡镇(街道)、{self.villages}个村(社区)、{self.people:,}人、"
                f"{self.households:,}户、{len(self.users)}个账号")


# --- the org tree ------------------------------------------------------------------------

def _unique_names(rng: random.Random, fixed: list[str], pool: list[str], count: int, make_extra) -> list[str]:
    """`count` distinct names: the fixed ones first, then the pool shuffled, then generated ones."""
    rest = [n for n in pool if n not in fixed]
    rng.shuffle(rest)
    names = (fixed + rest)[:count]
    seen = set(names)
    while len(names) < count:
        name = make_extra()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _place_stem(rng: random.Random) -> str:
    return rng.choice(_FIRST) + rng.choice(_SECOND)


def _village_stem(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(_CLAN) + rng.choice(_CLAN_PLACE)
    return _place_stem(rng)


def _township_plan(n: int) -> list[tuple[str, int]]:
    """[(kind, code number)] for n townships: 镇 (101…), 乡 (201…), 街道 (001…), as statistical codes do."""
    streets = min(20, max(1, n // 10)) if n >= 4 else 0
    rest = n - streets
    towns = min(99, -(-rest * 6 // 10))
    xiang = rest - towns
    return ([("镇", 101 + i) for i in range(towns)] + [("乡", 201 + i) for i in range(xiang)]
            + [("街道", 1 + i) for i in range(streets)])


def _build_tree(rng: random.Random, n_townships: int, n_villages: int):
    county = OrgUnit(code=COUNTY_CODE, name=COUNTY_NAME, level=Level.COUNTY, parent=None)
    county.save()
    plan = _township_plan(n_townships)
    kinds = [k for k, _c in plan]
    stems = {
        "镇": _unique_names(rng, ["东塘"], TOWN_NAMES, kinds.count("镇"), lambda: _place_stem(rng)),
        "乡": _unique_names(rng, [], XIANG_NAMES, kinds.count("乡"), lambda: _place_stem(rng)),
        "街道": _unique_names(rng, ["城关"], STREET_NAMES, kinds.count("街道"), lambda: _place_stem(rng)),
    }
    used_stems = set()
    townships = []
    counters = dict.fromkeys(stems, 0)
    for kind, number in plan:
        stem = stems[kind][counters[kind]]
        counters[kind] += 1
        if stem in used_stems:  # a generated 乡 stem equal to a 镇 stem
            stem = stem + "新"
        used_stems.add(stem)
        townships.append(OrgUnit(code=f"{AREA}{number:03d}000", name=stem + kind, level=Level.TOWNSHIP,
                                 parent=county, path=f"{county.path}{AREA}{number:03d}000/"))
    OrgUnit.objects.bulk_create(townships)
    by_code = {u.code: u for u in OrgUnit.objects.filter(parent=county)}
    townships = [by_code[t.code] for t in townships]

    taken = set()  # village names already used in the county
    villages = []
    for t_index, township in enumerate(townships):
        street = township.name.endswith("街道")
        names = []
        for v in range(n_villages):
            if t_index == 0 and v < 2:
                name = ("东塘村", "桥头村")[v]
            elif v == 0 and not street and n_villages >= 4:
                name = township.name[:-1] + "社区"  # the town seat
            else:
                for attempt in range(60):
                    if street:
                        stem = rng.choice(COMMUNITY_NAMES) if attempt < 20 else _place_stem(rng)
                        name = stem + "社区"
                    else:
                        name = _village_stem(rng) + "村"
                    if name not in taken:
                        break
            while name in names:  # the county ran out of fresh names: unique within the township at least
                name = name[:-1] + "新" + name[-1]
            taken.add(name)
            names.append(name)
            code = township.code[:9] + f"{v + 1:03d}"
            villages.append(OrgUnit(code=code, name=name, level=Level.VILLAGE, parent=township,
                                    path=f"{township.path}{code}/"))
    # A village merged into another in 2020: closed, kept for its history.
    first = townships[0]
    merged_into = "桥头村" if n_villages >= 2 else "东塘村"
    closed = []
    if n_villages < MAX_VILLAGES:
        code = first.code[:9] + f"{n_villages + 1:03d}"
        closed.append(OrgUnit(code=code, name="桥西村", level=Level.VILLAGE, parent=first, path=f"{first.path}{code}/",
                              active_to=datetime.date(2019, 12, 31),
                              note=f"2020年行政村规模调整，并入{merged_into}"))
    committee = OrgUnit(code=COMMITTEE_CODE, name=f"{COUNTY_NAME}机关单位妇委会", level=Level.COMMITTEE, parent=county,
                        path=f"{county.path}{COMMITTEE_CODE}/")
    OrgUnit.objects.bulk_create([u for u in villages] + closed + [committee])
    by_code = {u.code: u for u in OrgUnit.objects.filter(path__startswith=county.path)}
    return county, [by_code[t.code] for t in townships], [by_code[v.code] for v in villages]


# --- people ------------------------------------------------------------------------------

class _PeopleMaker:
    """Makes households of Person objects for one county, from one random stream."""

    def __init__(self, rng: random.Random, today: datetime.date, groups: dict[str, int]):
        from banbiantian.people.search import name_keys

        self.rng = rng
        self.ref = datetime.date(today.year, 1, 1)  # birth dates fall before it: the same county all year
        self.groups = groups
        self.used_ids: set[str] = set()
        self.keys_cache: dict[str, tuple[str, str]] = {}
        self.name_keys = name_keys

    # attributes -----------------------------------------------------------------------
    def birth(self, age: int) -> datetime.date:
        age = max(0, min(89, age))
        return self.ref - datetime.timedelta(days=int(age * 365.25) + self.rng.randrange(1, 365))

    def given(self, sex: str, birth: datetime.date) -> str:
        return _pick(self.rng, GIVEN[sex][bisect.bisect_right(_COHORTS, birth.year)])

    def id_number(self, birth: datetime.date, sex: str) -> str:
        head = f"{AREA}{birth:%Y%m%d}"
        rng = self.rng
        while True:
            order = rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            body = f"{head}{order:03d}"
            if body not in self.used_ids:
                self.used_ids.add(body)
                return body + ric.calc_check_digit(body + "0")

    def phone(self, age: int) -> str:
        rng = self.rng
        chance = 0.92 if 18 <= age <= 75 else 0.45 if age > 75 else 0.3 if age >= 14 else 0.0
        if rng.random() >= chance:
            return ""
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"

    def education(self, birth: datetime.date, age: int) -> str:
        if age < 18:
            return "" if age < 6 else "primary" if age < 12 else "junior" if age < 15 else "senior"
        return _pick(self.rng, _EDUCATION[bisect.bisect_right(_EDUCATION_COHORTS, birth.year)])

    def political(self, age: int) -> str:
        r = self.rng.random()
        if age < 14:
            return ""
        if age <= 28 and r < 0.25:
            return "cyl"
        if age >= 18 and r > 0.93:
            return "cpc" if r > 0.935 else "cpc_probationary" if age < 40 else "democratic"
        return "masses"

    # one person --------------------------------------------------------------------------
    def person(self, ctx, sex: str, age: int, *, surname: str | None = None, marital: str = "",
               relation: str = "", guardian: int | None = None):
        rng = self.rng
        birth = self.birth(age)
        age = self.age(birth)
        surname = surname or _pick(rng, SURNAMES)
        for _attempt in range(20):
            name = surname + self.given(sex, birth)
            if (name, birth) not in ctx["names"]:
                break
            birth = birth - datetime.timedelta(days=1)
        ctx["names"].add((name, birth))
        if not marital and age >= 18:
            marital = "single" if age < 30 else "married"
        return {
            "name": name, "sex": sex, "birth_date": birth, "age": age, "marital_status": marital,
            # Ages are counted at 1 January: a child of 16 then is still a minor on 31 December.
            "relation_to_head": relation, "guardian": guardian if age <= MINOR_MAX_AGE else None, "groups": [],
        }

    def age(self, birth: datetime.date) -> int:
        today = self.ref
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

    # households ---------------------------------------------------------------------------
    def household(self, ctx) -> list[dict]:
        """One household's members: the head first, every guardian before her wards."""
        rng = self.rng
        kind = _pick(rng, _HOUSEHOLD_KINDS)
        men = 0.34  # a man is registered with this chance: the registry is mostly women
        members: list[dict] = []

        def add(p):
            members.append(p)
            return len(members) - 1

        if kind in ("young", "middle"):
            wife_age = rng.randint(22, 45) if kind == "young" else rng.randint(46, 66)
            away = kind == "young" and rng.random() < 0.15  # the husband works in the city
            husband_surname = _pick(rng, SURNAMES)
            with_husband = not away and rng.random() < men
            husband = self.person(ctx, "M", wife_age + rng.randint(-2, 5), surname=husband_surname,
                                  marital="married", relation="head") if with_husband else None
            if husband:
                add(husband)
            wife = self.person(ctx, "F", wife_age, marital="married", relation="spouse" if husband else "head")
            mother = add(wife)
            if away:
                wife["groups"].append(("left_behind_women", 0.5))
            if kind == "young":
                wife["groups"] += [("poor_mothers", 0.015), ("disabled_women", 0.005), ("sick_women", 0.008)]
                if rng.random() < 0.4 and wife_age + 26 <= 89:
                    grandma = self.person(ctx, "F", wife_age + rng.randint(24, 34), marital="widowed",
                                          relation="parent")
                    add(grandma)
                    if rng.random() < 0.5 and rng.random() < men:
                        grandma["marital_status"] = "married"
                        add(self.person(ctx, "M", self.age(grandma["birth_date"]) + rng.randint(0, 4),
                                        surname=husband_surname, marital="married", relation="parent"))
                for _i in range(rng.choice((0, 1, 1, 2, 2, 2, 3))):
                    sex = rng.choice("FM")
                    if sex == "M" and rng.random() >= men * 1.3:
                        continue
                    child = self.person(ctx, sex, rng.randint(0, max(0, wife_age - 21)), surname=husband_surname,
                                        relation="child", guardian=mother)
                    child["groups"] += [("migrant_children", 0.012), ("children_in_plight", 0.006),
                                        ("disabled_children", 0.003)]
                    add(child)
            else:
                wife["groups"] += [("landless_jobless_women", 0.02), ("sick_women", 0.012),
                                   ("disabled_women", 0.006)]
                for _i in range(rng.choice((0, 0, 1, 1, 2))):
                    sex = rng.choice("FM")
                    if sex == "M" and rng.random() >= men:
                        continue
                    add(self.person(ctx, sex, rng.randint(18, max(18, wife_age - 22)), surname=husband_surname,
                                    relation="child"))
                if rng.random() < 0.25 and wife_age >= 48:
                    # a daughter-in-law and the grandchildren
                    dil = self.person(ctx, "F", rng.randint(24, min(40, wife_age - 20)), marital="married",
                                      relation="other")
                    dil_index = add(dil)
                    for _i in range(rng.choice((1, 1, 2))):
                        sex = rng.choice("FM")
                        if sex == "M" and rng.random() >= men * 1.3:
                            continue
                        kid = self.person(ctx, sex, rng.randint(0, max(0, self.age(dil["birth_date"]) - 22)),
                                          surname=husband_surname, relation="grandchild", guardian=dil_index)
                        add(kid)
        elif kind == "left_behind":
            # Both parents work away: grandparents bring up the children.
            gm_age = rng.randint(52, 78)
            surname = _pick(rng, SURNAMES)
            if rng.random() < men:
                add(self.person(ctx, "M", gm_age + rng.randint(0, 4), surname=surname, marital="married",
                                relation="head"))
                grandma = self.person(ctx, "F", gm_age, marital="married", relation="spouse")
            else:
                grandma = self.person(ctx, "F", gm_age, marital=rng.choice(("married", "widowed")), relation="head")
            g = add(grandma)
            for _i in range(rng.choice((1, 1, 2, 2, 3))):
                sex = rng.choice("FM")
                if sex == "M" and rng.random() >= men * 2:
                    continue
                kid = self.person(ctx, sex, rng.randint(1, 15), surname=surname, relation="grandchild", guardian=g)
                kid["groups"] += [("left_behind_children", 0.5), ("children_in_plight", 0.02)]
                add(kid)
        elif kind in ("old_couple", "old_alone"):
            age = rng.randint(62, 89)
            surname = _pick(rng, SURNAMES)
            if kind == "old_couple" and rng.random() < men:
                add(self.person(ctx, "M", min(89, age + rng.randint(0, 4)), surname=surname, marital="married",
                                relation="head"))
                woman = self.person(ctx, "F", age, marital="married", relation="spouse")
            else:
                woman = self.person(ctx, "F", age, marital="married" if kind == "old_couple" else "widowed",
                                    relation="head")
            woman["groups"] += [("empty_nest_elderly", 0.15 if kind == "old_couple" else 0.25),
                                ("disabled_women", 0.01), ("sick_women", 0.03), ("poor_mothers", 0.01)]
            add(woman)
        elif kind == "single_mother":
            age = rng.randint(26, 50)
            mother = self.person(ctx, "F", age, marital=rng.choice(("divorced", "divorced", "widowed")),
                                 relation="head")
            mother["groups"] += [("single_poor_mothers", 0.25), ("poor_mothers", 0.1)]
            m = add(mother)
            surname = _pick(rng, SURNAMES)
            for _i in range(rng.choice((1, 1, 2))):
                kid = self.person(ctx, rng.choice("FFM"), rng.randint(0, min(17, age - 20)), surname=surname,
                                  relation="child", guardian=m)
                kid["groups"] += [("children_in_plight", 0.05)]
                add(kid)
        else:  # a woman on her own
            add(self.person(ctx, "F", rng.randint(20, 40), marital=rng.choice(("single", "single", "divorced")),
                            relation="head"))
        return members

    def finish(self, p: dict, address: str, ethnicity: str) -> dict:
        """Fill in the ID number, phone and the rest once the person is sure to be kept."""
        name = p["name"]
        keys = self.keys_cache.get(name)
        if keys is None:
            keys = self.keys_cache[name] = self.name_keys(name)
        birth, age = p["birth_date"], p["age"]
        p.update(
            name_pinyin=keys[0], name_initials=keys[1], id_number=self.id_number(birth, p["sex"]),
            phone=self.phone(age), ethnicity=ethnicity, education=self.education(birth, age),
            political_status=self.political(age), address=address,
        )
        return p

    def memberships(self, p: dict) -> list[tuple[str, datetime.date, datetime.date | None]]:
        rng = self.rng
        out = []
        for code, chance in p["groups"]:
            if code not in self.groups or rng.random() >= chance:
                continue
            if code in _CHILD_GROUPS and p["age"] > MINOR_MAX_AGE:
                continue
            earliest = max(p["birth_date"] + datetime.timedelta(days=30), self.ref - datetime.timedelta(days=5 * 365))
            span = (self.ref - earliest).days - 30
            if span <= 0:
                continue
            start = earliest + datetime.timedelta(days=rng.randrange(span))
            end = None
            if rng.random() < 0.12:
                end = start + datetime.timedelta(days=rng.randint(1, max(1, (self.ref - start).days - 1)))
            out.append((code, start, end))
        return out


_EDUCATION_COHORTS = (1950, 1965, 1980, 1995)
_EDUCATION = [_table(options) for options in (
    (("none", 45), ("primary", 45), ("junior", 9), ("senior", 1)),
    (("none", 12), ("primary", 45), ("junior", 35), ("senior", 8)),
    (("primary", 15), ("junior", 55), ("senior", 22), ("college", 5), ("bachelor", 3)),
    (("primary", 3), ("junior", 35), ("senior", 30), ("college", 18), ("bachelor", 13), ("postgraduate", 1)),
    (("junior", 12), ("senior", 30), ("college", 30), ("bachelor", 25), ("postgraduate", 3)),
)]
_HOUSEHOLD_KINDS = _table([("young", 36), ("middle", 24), ("left_behind", 5), ("old_couple", 11),
                           ("old_alone", 10), ("single_mother", 5), ("single", 7)])
_CHILD_GROUPS = {"left_behind_children", "migrant_children", "children_in_plight", "disabled_children"}


def _quotas(rng: random.Random, total: int, n: int) -> list[int]:
    """`total` split over n villages, unevenly (some villages are twice the size of others)."""
    if n == 0:
        return []
    weights = [rng.uniform(0.6, 1.4) for _i in range(n)]
    s = sum(weights)
    raw = [total * w / s for w in weights]
    quotas = [int(x) for x in raw]
    short = total - sum(quotas)
    for i in sorted(range(n), key=lambda i: raw[i] - quotas[i], reverse=True)[:short]:
        quotas[i] += 1
    return quotas


def _address(rng: random.Random, township: OrgUnit, village: OrgUnit) -> str:
    if village.name.endswith("社区"):
        return f"{COUNTY_NAME}{township.name}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
    return f"{COUNTY_NAME}{township.name}{village.name}{rng.randint(1, 12)}组{rng.randint(1, 120)}号"


# --- registration dates --------------------------------------------------------------------

class _Registration:
    """When each demo person was registered, so that "registered during the period" figures and
    the registry's growth look like a real county's: the system went live with a registration
    drive in the spring two years ago (most people were registered then), then babies and
    newcomers week by week. Its own random stream, so the rest of the county is unchanged."""

    def __init__(self, rng: random.Random, today: datetime.date):
        from zoneinfo import ZoneInfo

        from django.conf import settings

        self.rng, self.today = rng, today
        self.go_live = datetime.date(today.year - 2, 3, 1)
        self.zone = ZoneInfo(settings.TIME_ZONE)

    def at(self, birth: datetime.date, not_before: datetime.date | None = None) -> datetime.datetime:
        rng = self.rng
        first = max(self.go_live, birth + datetime.timedelta(days=30), not_before or self.go_live)
        if first >= self.today:
            day = self.today
        elif first == self.go_live and rng.random() < 0.8:
            day = min(self.today, self.go_live + datetime.timedelta(days=rng.randint(0, 90)))
        else:
            day = first + datetime.timedelta(days=rng.randint(0, (self.today - first).days))
        return datetime.datetime.combine(day, datetime.time(8 + rng.randint(0, 9), rng.randint(0, 59)),
                                         tzinfo=self.zone)


@contextlib.contextmanager
def _given_timestamps(model, name: str):
    """bulk_create with the times we give: auto_now_add would stamp every row with 'now'."""
    field = model._meta.get_field(name)
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


# --- the build ---------------------------------------------------------------------------

def usernames(n_townships: int, n_villages: int) -> list[str]:
    tw, vw = max(2, len(str(n_townships))), max(2, len(str(n_villages)))
    names = ["county_admin", "county_staff", "county_rights", "viewer"]
    for t in range(1, n_townships + 1):
        names += [f"t{t:0{tw}d}_chair", f"t{t:0{tw}d}_staff"]
        names += [f"t{t:0{tw}d}_v{v:0{vw}d}" for v in range(1, n_villages + 1)]
    return names


def _make_users(rng: random.Random, maker: _PeopleMaker, county, townships, villages, n_villages) -> dict:
    password = make_password(PASSWORD)  # hashed once: scrypt per account would take minutes
    tw, vw = max(2, len(str(len(townships)))), max(2, len(str(n_villages)))

    def cadre(username, unit, role, female=True):
        age = rng.randint(32, 58)
        birth = maker.birth(age)
        sex = "F" if female else "M"
        full_name = _pick(rng, SURNAMES) + maker.given(sex, birth)
        return User(username=username, password=password, unit=unit, role=role, full_name=full_name,
                    phone=maker.phone(30))

    users = [cadre("county_admin", county, Role.COUNTY_ADMIN), cadre("county_staff", county, Role.COUNTY_STAFF),
             cadre("county_rights", county, Role.COUNTY_RIGHTS), cadre("viewer", county, Role.VIEWER)]
    village_users = {}
    for t, township in enumerate(townships, start=1):
        users.append(cadre(f"t{t:0{tw}d}_chair", township, Role.TOWNSHIP_CHAIR))
        users.append(cadre(f"t{t:0{tw}d}_staff", township, Role.TOWNSHIP_STAFF, female=rng.random() < 0.8))
        for v, village in enumerate(villages[(t - 1) * n_villages:t * n_villages], start=1):
            user = cadre(f"t{t:0{tw}d}_v{v:0{vw}d}", village, Role.VILLAGE_DIRECTOR)
            users.append(user)
            village_users[village.pk] = user.username
    User.objects.bulk_create(users, batch_size=1000)
    ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "id"))
    return {"users": users, "by_village": {unit_id: ids[name] for unit_id, name in village_users.items()}}


def seed_areas(county, *, seed: int, today: datetime.date, log) -> list[str]:
    """Let every declared area fill the demo county with its own records.

    An area that declares a demo seeder (AreaConfig.demo_seeder, `seed(county, *, rng, today, log)
    -> str`) takes part, after the people are made and after the areas it names in `demo_after`
    (banbiantian.core.areas.demo_order); each gets its own random stream (so one area's change
    leaves the others' data as it was) and returns one Chinese line saying what it made.
    """
    lines = []
    for area in areas.demo_order():
        seeder = area.member(area.demo_seeder)
        line = seeder(county, rng=random.Random(f"{seed}:{area.label}"), today=today, log=log)
        if line:
            lines.append(line)
            log(line)
    return lines


def build(*, townships: int = DEFAULT_TOWNSHIPS, villages: int = DEFAULT_VILLAGES, people: int = DEFAULT_PEOPLE,
          seed: int = DEFAULT_SEED, today: datetime.date | None = None, log=None) -> Summary:
    """Build the demo county in one transaction. The caller checks the options and that the county is new."""
    from django.utils import timezone

    from banbiantian.people.models import GroupMembership, Household, Person, SpecialGroup

    started = time.monotonic()
    log = log or (lambda msg: None)
    rng = random.Random(seed)
    today = today or timezone.localdate()
    summary = Summary()
    with transaction.atomic():
        county, township_units, village_units = _build_tree(rng, townships, villages)
        summary.townships, summary.villages = len(township_units), len(village_units)
        groups = dict(SpecialGroup.objects.values_list("code", "id"))
        maker = _PeopleMaker(rng, today, groups)
        maker.used_ids.update(n[:17] for n in Person.objects.filter(id_number__startswith=AREA).values_list(
            "id_number", flat=True))
        made = _make_users(rng, maker, county, township_units, village_units, villages)
        role_labels = dict(Role.choices)
        unit_names = {u.pk: u.name for u in [county, *township_units]}
        unit_names.update((v.pk, unit_names[v.parent_id] + v.name) for v in village_units)
        township_by_pk = {t.pk: t for t in township_units}
        township_of = {v.pk: township_by_pk[v.parent_id] for v in village_units}
        summary.users = [(u.username, str(role_labels[u.role]), unit_names.get(u.unit.pk, ""))
                         for u in made["users"]]
        log(f"组织机构：{summary.townships}个乡镇(街道)、{summary.villages}个村(社区)；账号 {len(summary.users)} 个。")

        person_id = first_id = (Person.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        household_id = (Household.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        quotas = _quotas(rng, people, len(village_units))
        n_pairs = min(20, max(2, people // 600)) if people >= 100 else 0
        eligible = [i for i, q in enumerate(quotas) if q >= 10]
        dup_villages = set(rng.sample(eligible, min(n_pairs, len(eligible))))
        summary.duplicate_pairs = len(dup_villages)

        p_batch, h_batch, m_batch = [], [], []
        # Positional construction skips Model.__init__'s keyword handling: a third faster for 300,000 rows.
        defaults = [(f.attname, f.get_default()) for f in Person._meta.concrete_fields]

        def new_person(values: dict) -> Person:
            return Person(*[values.get(name, default) for name, default in defaults])

        registration = _Registration(random.Random(f"{seed}:registered"), today)

        def flush():
            Household.objects.bulk_create(h_batch, batch_size=BATCH)
            with _given_timestamps(Person, "created_at"):
                Person.objects.bulk_create(p_batch, batch_size=BATCH)
            GroupMembership.objects.bulk_create(m_batch, batch_size=BATCH)
            h_batch.clear()
            p_batch.clear()
            m_batch.clear()

        for v_index, (village, quota) in enumerate(zip(village_units, quotas, strict=True)):
            township = township_of[village.pk]
            ctx = {"names": set()}
            creator = made["by_village"].get(village.pk)
            remaining = quota - (1 if v_index in dup_villages else 0)
            village_people = []
            while remaining > 0:
                members = maker.household(ctx)[:remaining]
                remaining -= len(members)
                address = _address(rng, township, village)
                ethnicity = _pick(rng, ETHNICITY)
                household = Household(id=household_id, unit_id=village.pk, address=address)
                household_id += 1
                h_batch.append(household)
                ids = []
                for p in members:
                    maker.finish(p, address, ethnicity)
                    guardian = ids[p["guardian"]] if p["guardian"] is not None else None
                    p.update(id=person_id, unit_id=village.pk, household_id=household.id, guardian_id=guardian,
                             created_by_id=creator, created_at=registration.at(p["birth_date"]))
                    person = new_person(p)
                    ids.append(person_id)
                    person_id += 1
                    p_batch.append(person)
                    village_people.append(person)
                    for code, start, end in maker.memberships(p):
                        m_batch.append(GroupMembership(person_id=person.id, group_id=groups[code], start_date=start,
                                                       end_date=end))
            if v_index in dup_villages:
                # Registered twice: same name and birth date, a different number (a typing slip).
                adults = [p for p in village_people if p.sex == "F" and maker.age(p.birth_date) >= 18]
                original = rng.choice(adults or village_people)
                original.possible_duplicate = True
                copy = Person(
                    id=person_id, unit_id=village.pk, created_by_id=creator, name=original.name,
                    name_pinyin=original.name_pinyin, name_initials=original.name_initials,
                    id_number=maker.id_number(original.birth_date, original.sex), birth_date=original.birth_date,
                    sex=original.sex, phone=maker.phone(40), ethnicity=original.ethnicity,
                    education=original.education, political_status=original.political_status,
                    marital_status=original.marital_status, address=original.address, possible_duplicate=True,
                    created_at=registration.at(original.birth_date, not_before=original.created_at.date()),
                )
                person_id += 1
                p_batch.append(copy)
            if len(p_batch) >= BATCH:
                flush()
                log(f"  已生成 {person_id - first_id:,} 人 …")
        flush()
        sql = connection.ops.sequence_reset_sql(no_style(), [Person, Household])
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)

        county_people = Person.objects.filter(unit__path__startswith=county.path)
        summary.people = county_people.count()
        summary.women = county_people.filter(sex="F").count()
        summary.households = Household.objects.filter(unit__path__startswith=county.path).count()
        summary.memberships = GroupMembership.objects.filter(person__unit__path__startswith=county.path).count()
        summary.areas = seed_areas(county, seed=seed, today=today, log=log)
        audit.record(actor=None, action=AuditEntry.Action.CREATE, unit=county, object_type="demo",
                     object_id=county.code, object_repr=summary.description,
                     changes={"townships": townships, "villages_per_township": villages, "people": people,
                              "seed": seed})
    summary.seconds = time.monotonic() - started
    return summary

