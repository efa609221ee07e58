import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from banbiantian.conftest import make_id_number
from banbiantian.lib import idnumber


def test_valid_number_gives_birth_date_and_sex():
    number = make_id_number(datetime.date(1985, 3, 12), female=True, seq=3)
    parsed = idnumber.parse(number)
    assert parsed.birth_date == datetime.date(1985, 3, 12)
    assert parsed.sex == "F"
    assert parsed.number == number


def test_full_width_digits_spaces_and_lower_x_are_normalised():
    # 11010519491231002X is the worked example of GB 11643.
    assert idnumber.parse("１１０１０５ １９４９１２３１ ００２x").number == "11010519491231002X"
    assert idnumber.parse("110105-19491231-002x").number == "11010519491231002X"


def test_wrong_check_character_is_refused_with_the_right_one_named():
    with pytest.raises(idnumber.IdNumberError, match="校验位错误.*应为“X”"):
        idnumber.parse("110105194912310021")


def test_impossible_birth_date_is_refused():
    body = "33012219850230002"
    with pytest.raises(idnumber.IdNumberError, match="出生日期“19850230”不是有效日期"):
        idnumber.parse(body + ric.calc_check_digit(body + "0"))


def test_future_birth_date_is_refused():
    body = "33012220990101002"
    with pytest.raises(idnumber.IdNumberError, match="不合理"):
        idnumber.parse(body + ric.calc_check_digit(body + "0"), today=datetime.date(2026, 11, 23))


def test_unknown_province_is_refused():
    body = "99012219850312002"
    with pytest.raises(idnumber.IdNumberError, match="省级行政区划"):
        idnumber.parse(body + ric.calc_check_digit(body + "0"))


@pytest.mark.parametrize("raw, message", [
    ("", "为空"),
    ("12345", "现为5位"),
    ("3301221985031200A1", "前17位必须是数字"),
])
def test_malformed_numbers_name_the_problem(raw, message):
    with pytest.raises(idnumber.IdNumberError, match=message):
        idnumber.parse(raw)


def test_old_15_digit_number_is_upgraded():
    parsed = idnumber.parse("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.upgraded_from == "110105491231002"
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex == "F"


def test_mask_keeps_area_and_last_four():
    assert idnumber.mask("330183199001011234") == "330183********1234"
    assert idnumber.mask("") == ""


birth_dates = st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2025, 12, 31))


@given(birth=birth_dates, seq=st.integers(0, 999), female=st.booleans())
def test_property_every_generated_number_round_trips(birth, seq, female):
    number = make_id_number(birth, female=female, seq=seq)
    parsed = idnumber.parse(number)
    assert (parsed.number, parsed.birth_date, parsed.sex) == (number, birth, "F" if female else "M")
    # Typed with full-width digits and spaces it is the same number.
    wide = " ".join(number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ")))
    assert idnumber.parse(wide).number == number


@given(birth=birth_dates, seq=st.integers(0, 999), position=st.integers(0, 16), delta=st.integers(1, 9))
def test_property_any_single_digit_change_is_caught(birth, seq, position, delta):
    number = make_id_number(birth, seq=seq)
    digit = (int(number[position]) + delta) % 10
    tampered = number[:position] + str(digit) + number[position + 1:]
    with pytest.raises(idnumber.IdNumberError):
        idnumber.parse(tampered)


@given(birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)),
       seq=st.integers(0, 999))
def test_property_15_digit_upgrade_matches_the_18_digit_number(birth, seq):
    old = f"330122{birth:%y%m%d}{seq:03d}"
    parsed = idnumber.parse(old)
    assert parsed.number[:6] == "330122" and parsed.number[6:14] == f"{birth:%Y%m%d}"
    assert ric.calc_check_digit(parsed.number) == parsed.number[17]
