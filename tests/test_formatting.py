from partnership.formatting import number


def test_numbers_are_grouped_by_three_with_a_narrow_no_break_space() -> None:
    assert number(0) == "0"
    assert number(999) == "999"
    assert number(1000) == "1\u202f000"
    assert number(50_000) == "50\u202f000"
    assert number(1_234_567) == "1\u202f234\u202f567"
    assert number(-12_000) == "-12\u202f000"


def test_decimals_take_a_comma() -> None:
    assert number(1234.5, 1) == "1\u202f234,5"
    assert number(0.25, 2) == "0,25"
    assert number(39.6) == "40"
