"""Resident identity numbers (居民身份证号码, GB 11643-1999).

The check character and the birth date come from python-stdnum; this module adds what a
ledger kept in Excel needs: full-width digits, spaces and a lower-case x are normalised,
and old 15-digit numbers are accepted and upgraded to 18 digits.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.cn import ric

# First two digits: the province-level division (plus 81/82/83, the residence permits
# issued to residents of Hong Kong, Macao and Taiwan).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)

_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")


class IdNumberError(ValueError):
    """Raised with a Chinese message that says what is wrong with the number."""


@dataclass(frozen=True)
class IdNumber:
    number: str  # always 18 characters
    birth_date: datetime.date
    sex: str  # "F" or "M"
    upgraded_from: str = ""  # the 15-digit number it was upgraded from, if any


def normalise(raw: str) -> str:
    """Full-width to half-width, drop spaces and separators, upper-case X."""
    text = str(raw).translate(_FULLWIDTH)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-_").upper()


def upgrade_15(number: str) -> str:
    """An old 15-digit number (born 19xx, no check character) as its 18-digit form."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def parse(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    number = normalise(raw)
    if not number:
        raise IdNumberError(_("身份证号为空。"))
    upgraded_from = ""
    if len(number) == 15:
        if not number.isdigit():
            raise IdNumberError(_("15位身份证号只能由数字组成。"))
        upgraded_from = number
        number = upgrade_15(number)
    elif len(number) != 18:
        raise IdNumberError(_("身份证号应为18位（旧证15位），现为%(n)d位。") % {"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError(_("身份证号前17位必须是数字，最后一位是数字或X。"))
    if number[:2] not in PROVINCE_CODES:
        raise IdNumberError(_("身份证号前两位“%(p)s”不是有效的省级行政区划代码。") % {"p": number[:2]})
    try:
        birth = ric.get_birth_date(number)
    except Exception:
        raise IdNumberError(_("身份证号中的出生日期“%(d)s”不是有效日期。") % {"d": number[6:14]}) from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        raise IdNumberError(_("身份证号中的出生日期“%(d)s”不合理。") % {"d": birth.isoformat()})
    if not upgraded_from and ric.calc_check_digit(number) != number[17]:
        raise IdNumberError(_("身份证号校验位错误：最后一位应为“%(c)s”，请核对号码。") % {"c": ric.calc_check_digit(number)})
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number=number, birth_date=birth, sex=sex, upgraded_from=upgraded_from)


def mask(number: str) -> str:
    """330183********1234: area code and last four, the birth date hidden."""
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
