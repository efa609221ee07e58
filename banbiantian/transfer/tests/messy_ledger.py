"""A township's 信访登记簿 and care roster as the clerks keep them, for the import tests (class 2 of issue 11).

The 信访登记簿 is one sheet per year (2025, 2026) with the same header: a title, the unit's line, a two-row
header with 来访人情况 merged over 姓名/性别/身份证号/住址/电话, then 15 rows a year, then a 合计 and a
signature line. 处理情况 says how each case ended (已办结…, 不予受理…, 正在办理, 交村跟进); 风险等级 is kept
for the family-violence cases; 回访 is a sentence with the visit's date and the petitioner's satisfaction;
序号, 性别 and 备注 are columns the product has no field for. Several petitioners came back on the same
matter. Dates are typed every way a clerk types them.

The roster lists last year's and this year's approvals with their dates.

Run it to look at the files: `python -m banbiantian.transfer.tests.messy_ledger /tmp` writes both.
The figures are counted by hand in BOOK_COUNTS and ROSTER_COUNTS (and checked in test_messy_ledger.py).
"""

import datetime
import io
import sys

import openpyxl
from openpyxl.styles import Alignment, Font

D = datetime.date


def _id(birth: D, seq: int) -> str:
    """A valid 18-digit number (GB 11643) of a woman born on `birth`."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    body = f"330122{birth:%Y%m%d}{seq % 100:02d}{(seq * 2) % 10}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


# name -> (ID number or "" when the book has none, address, phone)
PEOPLE = {
    "王秀英": (_id(D(1985, 3, 12), 1), "东塘村3组", "13812340001"),
    "陈丽": (_id(D(1979, 4, 2), 2), "桥头村5组", "138 1234 0002"),
    "刘芳": ("", "东塘村6组", ""),
    "张桂兰": (_id(D(1978, 11, 20), 3), "东塘村1组", "13812340004"),
    "李春花": (_id(D(1990, 7, 1), 4), "桥头村2组", ""),
    "赵敏": (_id(D(1982, 5, 6), 5), "东塘村4组", "13812340006"),
    "孙丽": (_id(D(1980, 1, 2), 6), "桥头村1组", "13812340007"),
    "周红": (_id(D(1988, 10, 9), 7), "东塘村2组", ""),
    "吴芳": (_id(D(1975, 2, 3), 8), "东塘村5组", "13812340009"),
    "郑小燕": (_id(D(1986, 8, 8), 9), "桥头村3组", ""),
    "冯玉兰": ("", "东塘村7组", "13812340011"),
    "何秋菊": (_id(D(1992, 9, 9), 10), "桥头村4组", "13812340012"),
    "许梅": (_id(D(1970, 12, 1), 11), "东塘村8组", ""),
    "邓翠英": (_id(D(1983, 6, 15), 12), "东塘村9组", "13812340014"),
    "王丽": (_id(D(1991, 3, 3), 13), "桥头村6组", "13812340015"),
    "黄小琴": (_id(D(1995, 4, 4), 14), "东塘村3组", ""),
    "林春燕": (_id(D(1968, 7, 7), 15), "桥头村7组", "13812340017"),
}

GROUP = "来访人情况"
# Upper header row, lower header row (None under a cell merged down over both rows).
UPPER = ["序号", "日期", GROUP, None, None, None, None, "反映问题", "类别", "处理情况", "办结时间", "风险等级", "回访", "备注"]
LOWER = [None, None, "姓名", "性别", "身份证号", "住址", "电话", None, None, None, None, None, None, None]
UNMAPPED = ["序号", "性别", "备注"]

# (received, name, request, category, 处理情况, closed, risk, 回访, 备注) — received/closed as the clerk typed them.
# The comment after each row: its number in the book (#1 … #30) and what it is.
BOOK_2025 = [
    (datetime.datetime(2025, 1, 8), "王秀英", "丈夫长期外出不给生活费", "婚姻家庭纠纷", "已办结，调解达成协议", "2025-02-10", "",
     "2025年3月1日电话回访，满意", ""),  # 1
    ("2025.1.20", "陈丽", "遭丈夫殴打", "家庭暴力", "已办结，协助申请人身安全保护令", "2025.2.15", "高",
     "2025年3月10日上门回访，基本满意", ""),  # 2 DV
    ("2025-02-14", "刘芳", "土地承包款未分到", "农村妇女土地权益", "不予受理，属村集体经济组织内部事务，已告知", "", "", "", ""),  # 3
    ("2025年3月3日", "张桂兰", "工厂拖欠工资", "劳动就业与社会保障", "已办结，已转人社部门处理", "2025年3月30日", "", "", ""),  # 4
    ("2025.3.18", "王秀英", "丈夫仍不给生活费", "婚姻家庭纠纷", "已办结，再次调解", "2025.4.20", "",
     "2025年5月6日电话回访，不满意", "重复来访"),  # 5 repeat of 1
    (datetime.datetime(2025, 4, 2), "李春花", "父亲遗产分配不公", "财产与继承", "已办结，引导通过诉讼解决", "2025-05-10", "", "",
     ""),  # 6
    ("2025-04-25", "赵敏", "邻里纠纷", "其他", "不予受理，不属于妇联受理范围", "", "", "", ""),  # 7
    ("2025-05-12", "孙丽", "丈夫酒后打人", "家庭暴力", "已办结，联系派出所出具告诫书", "2025-06-01", "中",
     "2025年6月20日电话回访，满意", ""),  # 8 DV
    ("2025-06-06", "周红", "离婚后子女抚养费未给付", "婚姻家庭纠纷", "已办结，调解", "2025-07-01", "", "", ""),  # 9
    ("2025-07-15", "吴芳", "被人诽谤", "人身权利", "正在办理", "", "", "", ""),  # 10 in hand
    ("2025-08-09", "郑小燕", "孩子入学问题", "儿童权益", "交村跟进", "", "", "", "村妇联主席负责"),  # 11 in hand
    ("2025-09-01", "陈丽", "丈夫再次殴打", "家庭暴力", "已办结，协助申请人身安全保护令", "2025-09-20", "危险",
     "2025年10月8日上门回访，满意", "重复来访"),  # 12 DV, repeat of 2
    ("2025-10-10", "冯玉兰", "婆媳矛盾", "婚姻家庭纠纷", "已办结，调解和好", "2025-10-30", "", "电话回访，满意", ""),  # 13
    ("2025-11-20", "何秋菊", "产假工资被扣", "劳动就业与社会保障", "不予受理（已告知向劳动仲裁申请）", "", "", "", ""),  # 14
    ("2025-12-15", "许梅", "咨询法律问题", "其他", "已办结，当场解答", "2025-12-15", "", "", ""),  # 15
]
BOOK_2026 = [
    ("2026-01-06", "邓翠英", "丈夫赌博不顾家", "婚姻家庭纠纷", "已办结，调解", "2026-02-01", "",
     "2026年3月5日电话回访，满意", ""),  # 16
    ("2026-01-22", "刘芳", "土地承包款仍未分到", "农村妇女土地权益", "不予受理，维持原处理意见", "", "", "", "重复来访"),  # 17 rep. 3
    ("2026.2.10", "张桂兰", "工厂仍拖欠工资", "劳动就业与社会保障", "正在办理", "", "", "", ""),  # 18 in hand, repeat of 4
    ("2026-03-03", "李春花", "夫妻感情不和", "婚姻家庭纠纷", "已办结，调解", "2026-03-28", "",
     "2026年4月2日电话回访，满意", ""),  # 19 (not a repeat: another matter)
    ("2026-03-19", "孙丽", "丈夫威胁再次动手", "家庭暴力", "交村跟进", "", "高", "", ""),  # 20 DV, in hand, repeat of 8
    ("2026-04-08", "周红", "抚养费仍未给付", "婚姻家庭纠纷", "已办结，协助起诉", "2026-05-20", "", "", ""),  # 21 repeat of 9
    ("2026-05-15", "赵敏", "邻里纠纷再次反映", "其他", "不予受理，不属于妇联受理范围", "", "", "", ""),  # 22 repeat of 7
    ("2026-06-01", "何秋菊", "产假工资仍被扣", "劳动就业与社会保障", "正在办理", "", "", "", ""),  # 23 in hand, repeat of 14
    ("2026-06-18", "郑小燕", "孩子入学问题未解决", "儿童权益", "交村跟进", "", "", "", ""),  # 24 in hand, repeat of 11
    ("2026-07-07", "许梅", "房产证加名", "财产与继承", "已办结，法律咨询", "2026-07-07", "", "", ""),  # 25
    ("2026-08-12", "王丽", "丈夫殴打", "家庭暴力", "已办结，联系派出所出具告诫书", "2026-09-01", "低", "", ""),  # 26 DV
    ("2026-09-03", "吴芳", "被人诽谤未解决", "人身权利", "正在办理", "", "", "", ""),  # 27 in hand, repeat of 10
    ("2026-09-25", "黄小琴", "彩礼返还", "婚姻家庭纠纷", "不予受理，属人民法院管辖，已告知", "", "", "", ""),  # 28
    ("2026-10-14", "王秀英", "生活费问题", "婚姻家庭纠纷", "已办结，调解", "2026-11-02", "",
     "2026年11月10日电话回访，满意", ""),  # 29 repeat of 5
    ("2026-11-05", "林春燕", "宅基地被占", "农村妇女土地权益", "正在办理", "", "", "", ""),  # 30 in hand
]

# Counted by hand from the rows above, per year of receipt (the 日期 column).
BOOK_COUNTS = {
    "rows": {"2025": 15, "2026": 15},
    "received": {2025: 15, 2026: 15},
    "rejected": {2025: 3, 2026: 3},  # #3 #7 #14 | #17 #22 #28
    "in_hand": {2025: 2, 2026: 6},  # #10 #11 | #18 #20 #23 #24 #27 #30
    "closed": {2025: 10, 2026: 6},  # the rest; of them visited (with 回访):
    "visited": {2025: 6, 2026: 3},  # #1 #2 #5 #8 #12 #13 | #16 #19 #29
    "visit_dated": {2025: 5, 2026: 3},  # #13's 回访 has no date
    "satisfied": {2025: 5, 2026: 3},  # #1 #2(基本满意) #8 #12 #13 | #16 #19 #29; #5 不满意
    "not_satisfied": {2025: 1, 2026: 0},
    "repeat": {2025: 2, 2026: 9},  # #5 #12 | #17 #18 #20 #21 #22 #23 #24 #27 #29
    "dv": {2025: 3, 2026: 2},  # #2 #8 #12 | #20 #26
    "risk": {"high": 2, "medium": 1, "danger": 1, "low": 1},  # #2 #20 | #8 | #12 | #26
    "petitioners": 17,
}


def _header(sheet, first_row: int) -> None:
    sheet.append(UPPER)
    sheet.append(LOWER)
    for col, value in enumerate(UPPER, start=1):
        letter = openpyxl.utils.get_column_letter(col)
        if value == GROUP:
            sheet.merge_cells(f"{letter}{first_row}:{openpyxl.utils.get_column_letter(col + 4)}{first_row}")
        elif value is not None:
            sheet.merge_cells(f"{letter}{first_row}:{letter}{first_row + 1}")
        for row in (first_row, first_row + 1):
            sheet.cell(row, col).font = Font(bold=True)
            sheet.cell(row, col).alignment = Alignment(horizontal="center")


def book_row(number: int, row: tuple) -> list:
    received, name, request, category, handling, closed, risk, visit, note = row
    id_number, address, phone = PEOPLE[name]
    return [number, received, name, "女", id_number, address, phone, request, category, handling, closed, risk, visit,
            note]


def book_xlsx(*, sheets=(("2025", BOOK_2025), ("2026", BOOK_2026)), township="东塘镇") -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for year, rows in sheets:
        sheet = book.create_sheet(year)
        sheet.append([f"{township}妇联信访登记簿（{year}年）"])
        sheet.merge_cells("A1:N1")
        sheet.append([f"填报单位：{township}妇联", None, None, None, None, None, None, None, None, None, "单位：件"])
        _header(sheet, 3)
        for number, row in enumerate(rows, start=1):
            sheet.append(book_row(number, row))
        sheet.append(["合计", f"{len(rows)}件"])
        sheet.append(["登记人：李主任", None, None, None, None, None, None, None, None, "审核人：王主席"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The care roster: (name, programme year, 状态, applied, approved or refused, 备注).
ROSTER = [
    ("王秀英", 2025, "通过", "2025-03-01", "2025-03-20", "丈夫务工收入低"),
    ("陈丽", 2025, "通过", "2025-04-02", "2025-04-15", "家庭暴力受害人"),
    ("张桂兰", 2025, "已通过", "2025.6.10", "2025.7.1", ""),
    ("李春花", 2025, "在册", datetime.datetime(2025, 9, 1), datetime.datetime(2025, 9, 18), "单亲母亲"),
    ("赵敏", 2025, "通过", "2025年11月3日", "2025年12月10日", ""),
    ("郑小燕", 2025, "不通过", "2025-05-05", "2025-05-20", "家庭收入超过标准"),
    ("孙丽", 2026, "通过", "2026-01-05", "2026-02-01", ""),
    ("周红", 2026, "通过", "2026-03-02", "2026-03-30", "子女就学困难"),
    ("吴芳", 2026, "申请", "2026-10-08", "", ""),
]
ROSTER_HEADER = ["序号", "姓名", "身份证号", "联系电话", "帮扶项目", "年度", "状态", "申请日期", "审批日期", "备注"]
ROSTER_UNMAPPED = ["序号", "联系电话"]
PROGRAMME = "困难妇女帮扶"
ROSTER_COUNTS = {
    "approved": {2025: 5, 2026: 2},  # by the 审批日期; all were typed in today
    "rejected": 1,
    "applied": 1,
}


def roster_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["东塘镇困难妇女帮扶对象花名册"])
    sheet.merge_cells("A1:J1")
    sheet.append(ROSTER_HEADER)
    for number, (name, year, status, applied, decided, note) in enumerate(ROSTER, start=1):
        id_number, _address, phone = PEOPLE[name]
        sheet.append([number, name, id_number, phone, PROGRAMME, f"{year}年", status, applied, decided, note])
    sheet.append(["填表人：李会计"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


if __name__ == "__main__":
    import pathlib

    folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    (folder / "东塘镇信访登记簿.xlsx").write_bytes(book_xlsx())
    (folder / "东塘镇帮扶对象花名册.xlsx").write_bytes(roster_xlsx())
    print(f"written to {folder}")
