"""Chinese phone numbers: mobile (11 digits starting 1[3-9]) or landline with area code."""

import re

from django.utils.translation import gettext as _

_FULLWIDTH = str.maketrans("０１２３４５６７８９－（）＋", "0123456789-()+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0 + 2-3 digits, then a 7-8 digit number, optional extension.
_LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")


class PhoneError(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """Returns the stored form: '13812345678' or '0571-12345678'. Raises PhoneError."""
    text = str(raw or "").translate(_FULLWIDTH).strip()
    text = re.sub(r"[\s()]", lambda m: "-" if m.group() == ")" else "", text)
    if text.startswith("+86"):
        text = text[3:].lstrip("-")
    elif text.startswith("0086"):
        text = text[4:].lstrip("-")
    text = text.strip("-")
    digits = text.replace("-", "")
    if not digits.isdigit():
        raise PhoneError(_("电话号码只能包含数字和“-”。"))
    if _MOBILE.match(digits):
        return digits
    if digits.startswith("0"):
        if "-" not in text:
            # 0571 12345678 typed without a dash: 3-digit area codes are 010 and 02x.
            area = 3 if digits[1] in "12" else 4
            text = digits[:area] + "-" + digits[area:]
        if _LANDLINE.match(text):
            return text
    if digits.startswith("1"):
        raise PhoneError(_("手机号应为11位、以13-19开头的数字。"))
    raise PhoneError(_("电话号码格式不正确：手机号11位，固定电话请带区号，如 0571-12345678。"))
