"""Messy ledgers built in the tests, as village directors keep them."""

import datetime
import io

import openpyxl

from banbiantian.conftest import make_id_number

HEADER = ["序号", "姓名", "身份证号码", "出生年月", "民族", "联系电话", "文化程度", "特殊群体类别", "备注"]


def ledger_rows():
    """(cells) for the data part; row numbers in the file start at 4 (title, 填报单位, header)."""
    good = make_id_number(datetime.date(1985, 3, 12), seq=3)
    fullwidth = make_id_number(datetime.date(1990, 7, 1), seq=5)
    spaced = make_id_number(datetime.date(1978, 11, 20), seq=7)
    numeric_ok = make_id_number(datetime.date(1970, 1, 2), seq=9)
    return [
        [1, "王秀英", good, "1985.03", "汉", "138 1234 5678", "初中", "留守妇女、贫困母亲", ""],
        [2, "李春花", fullwidth.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")), "1990年7月", "汉族",
         "", "高中", "单亲母亲，留守妇女", ""],
        [None, None, None, None, None, None, None, None, None],  # a blank row in the middle
        [3, "张桂兰", f"{spaced[:6]} {spaced[6:14]} {spaced[14:]}", datetime.datetime(1978, 11, 20), "汉族", "", "",
         "", ""],
        [4, "赵小红", float(330122198001020000), "1980-01-02", "汉族", "", "", "", ""],  # numeric: digits lost
        [5, "钱美玲", "330122199913451234", "", "汉族", "", "", "", ""],  # bad date in the number
        [6, "孙丽", numeric_ok, "1970-01-02", "火星族", "12345", "", "", ""],  # bad ethnicity, bad phone
        [7, "周敏", good, "1985-03-12", "汉族", "", "", "", ""],  # same number as row 4
        [8, "吴芳", "", "1988.10", "回", "", "本科", "留守妇女/不存在的群体", ""],
    ]


def ledger_xlsx(rows=None, *, title=True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["东塘村妇女基本情况登记表"])
        sheet.merge_cells("A1:I1")
        sheet.append(["填报单位：东塘村妇联", None, None, None, None, None, "填报日期：2026年11月"])
    sheet.append(HEADER)
    for row in rows if rows is not None else ledger_rows():
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, None, None, None])
    sheet.append(["填表人：王秀英", None, None, "审核人：李主任"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="gbk") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return out.getvalue().encode(encoding)
