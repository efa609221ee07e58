"""Per-cell normalisation of what people type into ledgers: text, numbers, dates, code lists.

Each function returns the clean value or raises `CellError` with a Chinese reason; a few
also return a warning (something accepted, but worth a look).
"""

import datetime
import re

from django.utils.translation import gettext as _

from .readers import Formula

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／　，、：", "0123456789.-/ ,、:")
# 1985.03, 1985-3-12, 1985/03/12, 1985年3月, 1985年3月12日, 1985.3.12
_DATE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(?:(\d{1,2})\s*日?)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
GROUP_SEPARATORS = re.compile(r"[、，,/／;；\s]+")
# Excel's day 0 for serials after February 1900 (its 1900 leap-year bug folded in).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


class CellError(ValueError):
    pass


def check_formula(value) -> None:
    if isinstance(value, Formula):
        raise CellError(_("单元格%(ref)s是公式“%(f)s”，导入只读取数值：请复制该列后“选择性粘贴→数值”再导入。")
                        % {"ref": value.ref, "f": str(value)[:40]})


def text(value) -> str:
    check_formula(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).replace("\u3000", " ").strip()


def id_number_text(value) -> str:
    """The number as text. Numbers that Excel rounded to 15 significant digits cannot be recovered."""
    check_formula(value)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("身份证号不是整数，请检查。"))
        digits = str(int(value))
        if len(digits) > 15:
            raise CellError(_("身份证号以数字格式保存，Excel只保留15位有效数字，后几位已丢失（现为%(v)s）："
                              "请把该列设为“文本”后重新录入号码。") % {"v": digits})
        return digits
    raw = str(value).translate(_FULLWIDTH).strip()
    if _SCIENTIFIC.match(raw.replace(" ", "")):
        raise CellError(_("身份证号被Excel显示为科学计数法（%(v)s），后几位已丢失：请把该列设为“文本”后重新录入号码。")
                        % {"v": raw})
    return raw


def partial_date(value) -> tuple[datetime.date | None, bool]:
    """(date, day_known). Accepts real dates, Excel serial numbers, 1985.03, 1985年3月, 19850312 …"""
    check_formula(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, datetime.datetime):
        return value.date(), True
    if isinstance(value, datetime.date):
        return value, True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            # 1985.03 typed into a number cell: year.month (1985.1 reads as January, as written).
            year, _dot, month = f"{value}".partition(".")
            return _make(int(year), int(month), None)
        number = int(value)
        if 19000101 <= number <= 21001231:
            raw = str(number)
            return _make(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        if 190001 <= number <= 210012:
            raw = str(number)
            return _make(int(raw[:4]), int(raw[4:]), None)
        if 1 <= number <= 80000:  # an Excel date serial in a cell not formatted as a date
            return _EXCEL_EPOCH + datetime.timedelta(days=number), True
        raise CellError(_("“%(v)s”不是有效日期。") % {"v": value})
    raw = str(value).translate(_FULLWIDTH).strip().rstrip("日").strip()
    raw = raw.replace(" ", "") if re.match(r"^\d{4}\s", raw) else raw
    match = _DATE.match(raw) or _COMPACT_DATE.match(raw)
    if not match:
        raise CellError(_("“%(v)s”不是可识别的日期：请写成 1985-03-12、1985.03 或 1985年3月。") % {"v": value})
    year, month, day = match.group(1), match.group(2), match.group(3)
    return _make(int(year), int(month), int(day) if day else None)


def past_date(value, today: datetime.date) -> datetime.date | None:
    """A date that has happened (a visit, an application): not later than `today`."""
    day, _known = partial_date(value)
    if day and day > today:
        raise CellError(_("日期不能晚于今天。"))
    return day


def _make(year: int, month: int, day: int | None) -> tuple[datetime.date, bool]:
    try:
        return datetime.date(year, month, day or 1), day is not None
    except ValueError:
        raise CellError(_("“%(y)d年%(m)d月%(d)s”不是有效日期。") % {
            "y": year, "m": month, "d": f"{day}日" if day else ""}) from None


def choice(value, mapping: dict[str, str], label: str) -> str:
    """A coded column: the label or one of its common spellings -> the stored code."""
    raw = text(value).replace(" ", "")
    if not raw:
        return ""
    if raw in mapping:
        return mapping[raw]
    options = "、".join(dict.fromkeys(k for k, v in mapping.items() if not k.isascii()))
    raise CellError(_("“%(v)s”不是有效的%(label)s，可填：%(options)s。") % {"v": raw, "label": label,
                                                                     "options": options})


def split_list(value) -> list[str]:
    """Several entries in one cell: 留守妇女、贫困母亲 / 留守妇女，单亲母亲 / a,b / a/b."""
    raw = text(value)
    return [part for part in GROUP_SEPARATORS.split(raw) if part]


def escape_formula(value):
    """Export side: text that Excel would run as a formula (=cmd|…, +, -, @) is kept as text."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?")


def date_in_text(value) -> datetime.date | None:
    """The first full date written inside a sentence ("2026年3月5日电话回访，满意" -> 2026-03-05), or None."""
    raw = str(value or "").translate(_FULLWIDTH)
    match = _DATE_IN_TEXT.search(raw)
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


# Words of a return visit saying whether the petitioner was satisfied; the longer words are tried first.
_SATISFACTION = (("不满意", False), ("不太满意", False), ("基本满意", True), ("比较满意", True), ("非常满意", True),
                 ("满意", True))


def satisfaction_in_text(value) -> bool | None:
    """满意 / 基本满意 -> True, 不满意 -> False, no such word -> None."""
    raw = str(value or "")
    for word, satisfied in _SATISFACTION:
        if word in raw:
            return satisfied
    return None
