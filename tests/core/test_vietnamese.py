"""congtam.vietnamese: text keys, the one name order (checked against ICU's CLDR ``vi`` collation),
the one number reader and the yes/no words."""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from decimal import Decimal
from functools import cmp_to_key

import icu
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from congtam.vietnamese import (
    ALPHABET,
    NO,
    YES,
    NumberFormatError,
    clean_text,
    loose_key,
    match_key,
    name_sort_key,
    nfc,
    parse_number,
    read_number,
    search_key,
    search_query,
    word_sort_key,
    yes_no,
)


# --- text ---------------------------------------------------------------------------------------
def test_clean_text_composes_decomposed_diacritics():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn  An ")
    assert decomposed != "Nguyễn Văn An"
    assert clean_text(decomposed) == "Nguyễn Văn An"
    assert clean_text(None) == "" and nfc("abc") == "abc"


def test_header_keys_ignore_case_spacing_form_and_for_loose_keys_diacritics():
    header = unicodedata.normalize("NFD", "  Hệ  số QUY đổi ")
    assert match_key(header) == "hệ số quy đổi"
    assert loose_key(header) == loose_key("he so quy doi") == "he so quy doi"
    assert loose_key("Đặng") == "dang"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("nguyen van an", "nguyen van an"), ("Nguyen Van An", "nguyen van an"), ("  Đặng ", "dang"), ("ĐẶNG", "dang")],
)
def test_search_query_without_diacritics(query, expected):
    assert search_query(query) == expected


def test_search_key_frames_words():
    assert search_key("Đặng Thị Ánh") == " dang thi anh "
    assert search_query("50%_x") == "50 x"  # LIKE's wildcards never reach the query


# --- the name order -----------------------------------------------------------------------------
def test_the_alphabet_is_one_nfc_code_point_a_letter():
    assert "".join(ALPHABET) == "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
    assert all(len(letter) == 1 and unicodedata.is_normalized("NFC", letter) for letter in ALPHABET)


def test_people_sort_by_given_name_then_middle_then_family():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Phạm An", "Trần Thị An", "Nguyễn Văn An"]
    assert sorted(names, key=name_sort_key) == [
        "Phạm An",
        "Nguyễn Thị An",
        "Trần Thị An",
        "Lê Văn An",
        "Nguyễn Văn An",
        "Trần Văn Bình",
    ]


def test_vietnamese_alphabet_order_of_letters():
    # a ă â b c d đ e ê … o ô ơ … u ư: each marked letter after its base letter, before the next.
    given_names = ["Đức", "Dũng", "Ân", "Ăn", "An", "Bảo", "Ơn", "Ôn", "On", "Ưng", "Uyên", "Yến", "Vân", "Xuân"]
    given_names += ["Êm", "Em"]
    ordered = sorted((f"Nguyễn {name}" for name in given_names), key=name_sort_key)
    assert [name.split()[-1] for name in ordered] == [
        "An",
        "Ăn",
        "Ân",
        "Bảo",
        "Dũng",
        "Đức",
        "Em",
        "Êm",
        "On",
        "Ôn",
        "Ơn",
        "Uyên",
        "Ưng",
        "Vân",
        "Xuân",
        "Yến",
    ]


def test_tones_only_break_ties_after_the_letters():
    words = ["Mai", "Mạ", "Má", "Mã", "Mả", "Mà", "Ma"]
    assert sorted(words, key=name_sort_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Mai"]


def test_shorter_given_name_first():
    assert sorted(["Lê Anh", "Lê An"], key=name_sort_key) == ["Lê An", "Lê Anh"]


def test_decomposed_and_composed_names_sort_identically():
    name = "Đặng Thị Ánh"
    assert name_sort_key(unicodedata.normalize("NFD", name)) == name_sort_key(name)


def test_the_stored_key_keeps_its_bytes():
    # SortKeyField columns hold these keys: a change of a byte would sort new rows apart from old.
    assert name_sort_key("Nguyễn Văn An") == "AR.00 ]BR.000 RK[`IR.000030"
    assert name_sort_key("Đặng Thị Ánh") == "ARL.400 ZLM.005 GBRK.0500"
    assert name_sort_key("Nguyễn Thị Ngọc Ánh") == "ARL.400 ZLM.005 RKSE.0050 RK[`IR.000030"
    assert name_sort_key("O'Neil Smith-Jones") == "YQMZLbNSRHY.00000000000 SbRHMP.000000"
    assert name_sort_key("An2") == "AR2.000" and name_sort_key("  ") == ""
    assert word_sort_key("Zoë") == "aSH.000"


_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_VOWELS = "aăâeêioôơuưy"
_CONSONANTS = [letter for letter in ALPHABET if letter not in _VOWELS]
_LETTER = st.one_of(
    st.sampled_from(_CONSONANTS),
    st.builds(lambda vowel, tone: nfc(vowel + tone), st.sampled_from(_VOWELS), st.sampled_from(_TONES)),
)
_WORD = st.builds(
    lambda letters, case: case("".join(letters)),
    st.lists(_LETTER, min_size=1, max_size=5),
    st.sampled_from([str.lower, str.capitalize, str.upper]),
)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐáàảãạấầẩẫậắằẳẵặéèẻẽẹ ", min_size=1, max_size=30))
def test_sort_key_is_ascii_and_the_same_for_nfd(name):
    key = name_sort_key(name)
    assert key.isascii()
    assert name_sort_key(unicodedata.normalize("NFD", name)) == key


@given(st.lists(_NAME, min_size=2, max_size=12))
def test_the_name_order_is_total_and_the_same_for_nfc_and_nfd(names):
    decomposed = [unicodedata.normalize("NFD", name) for name in names]
    by_key = sorted(range(len(names)), key=lambda index: (name_sort_key(names[index]), index))
    assert sorted(range(len(names)), key=lambda index: (name_sort_key(decomposed[index]), index)) == by_key
    # Total on names: two names have the same key only when they are the same name, case aside.
    for first in names:
        for second in names:
            same_key = name_sort_key(first) == name_sort_key(second)
            assert same_key == (clean_text(first).lower() == clean_text(second).lower())


# --- the name order against ICU's CLDR "vi" collation --------------------------------------------
_COLLATOR = icu.Collator.createInstance(icu.Locale("vi"))


def _sign(number: int) -> int:
    return (number > 0) - (number < 0)


def _ours(first: str, second: str) -> int:
    first_key, second_key = name_sort_key(first), name_sort_key(second)
    return (first_key > second_key) - (first_key < second_key)


def _given_first(name: str) -> str:
    """The words in the order the key compares them: given name, middle names, family name."""
    words = clean_text(name).split(" ")
    return " ".join(words if len(words) == 1 else [words[-1], *words[1:-1], words[0]])


def _letters(word: str) -> str:
    """A word's letters without its tone (ICU's primary strength, for Vietnamese)."""
    return nfc("".join(char for char in unicodedata.normalize("NFD", word.lower()) if char not in "".join(_TONES)))


def _tone_decides_before_later_letters(first: str, second: str) -> bool:
    """Where the two orders legitimately differ. Ours is the dictionary's, word by word: the first
    word that differs decides, by its letters, else by its tones. ICU compares the letters of the
    whole string first and the tones only after (the tones are a secondary difference). So when the
    first differing word differs only by its tones and a later word differs by its letters, ours
    follows the tones ("Lê Vân An" < "Lê Văn Án": An before Án) and ICU the later letters ("Văn"
    before "Vân")."""
    first_words, second_words = _given_first(first).lower().split(" "), _given_first(second).lower().split(" ")
    for index, (one, other) in enumerate(zip(first_words, second_words)):
        if one != other:
            later = [_letters(word) for word in first_words[index + 1 :]]
            return _letters(one) == _letters(other) and later != [_letters(w) for w in second_words[index + 1 :]]
    return False


def test_icu_vi_orders_the_letters_and_tones_as_we_do():
    assert sorted(ALPHABET, key=_COLLATOR.getSortKey) == list(ALPHABET)
    words = ["mai", "mạ", "má", "mã", "mả", "mà", "ma", "đa", "da", "anh", "an", "ân", "ăn"]
    assert sorted(words, key=_COLLATOR.getSortKey) == sorted(words, key=word_sort_key)


def test_icu_vi_and_ours_differ_where_a_tone_meets_a_later_letter():
    names = ["Lê Văn Án", "Lê Vân An"]
    assert sorted(names, key=name_sort_key) == ["Lê Vân An", "Lê Văn Án"]
    assert sorted(names, key=lambda name: _COLLATOR.getSortKey(_given_first(name))) == ["Lê Văn Án", "Lê Vân An"]
    assert _tone_decides_before_later_letters(*names)


@given(_WORD, _WORD)
def test_single_words_are_ordered_as_icu_vi_orders_them(first, second):
    if first.lower() == second.lower():
        # Case is ICU's tertiary difference (an < An < AN); the key ignores case: a tie.
        assert _ours(first, second) == 0
    else:
        assert _ours(first, second) == _sign(_COLLATOR.compare(first, second))


@given(_NAME, _NAME)
def test_names_are_ordered_as_icu_vi_orders_the_words_given_name_first(first, second):
    assume(clean_text(first).lower() != clean_text(second).lower())
    icu_order = _sign(_COLLATOR.compare(_given_first(first), _given_first(second)))
    if not _tone_decides_before_later_letters(first, second):
        assert _ours(first, second) == icu_order


def test_a_sorted_list_of_names_is_icu_vi_order_apart_from_the_stated_difference():
    names = [
        "Nguyễn Văn An",
        "Trần Thị Ánh",
        "Lê Anh",
        "Phạm Thị Ân",
        "Hoàng Văn Đức",
        "Vũ Dũng",
        "Đặng Thị Mai",
        "Bùi Văn Mạnh",
        "Ngô Thị Mỹ",
        "Đỗ Văn Ơn",
        "Hồ Thị Ưng",
        "Dương Uyên",
        "Lý Thị Yến",
        "Nguyễn Thị An",
        "Trần An",
    ]
    ours = sorted(names, key=name_sort_key)
    theirs = sorted(names, key=cmp_to_key(lambda a, b: _COLLATOR.compare(_given_first(a), _given_first(b))))
    assert ours == theirs


# --- numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["1.000,5", "1 000,5", "1000,5", "1000.5", "1,000.5", "1\u00a0000,5", "1\u202f000,5"])
def test_the_same_number_however_it_is_written(text):
    assert parse_number(text) == Decimal("1000.5")
    assert parse_number(text).as_tuple() == Decimal("1000.5").as_tuple()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", "1.5"),
        ("1,5", "1.5"),
        ("1.000", "1.000"),  # one mark alone is the decimal mark
        ("1,000", "1.000"),
        ("1.000.000", "1000000"),  # a mark used more than once separates thousands
        ("1,000,000", "1000000"),
        ("1.000.000,25", "1000000.25"),
        ("1,000,000.25", "1000000.25"),
        ("1 000 000", "1000000"),
        ("89,50", "89.50"),  # the digits as written
        (".5", "0.5"),
        (",5", "0.5"),
        ("5.", "5"),
        ("5,", "5"),
        ("+2", "2"),
        ("-2,5", "-2.5"),
        ("\u22122,5", "-2.5"),
        ("-0", "-0"),
        (" 7 ", "7"),
        ("007", "007"),
    ],
)
def test_numbers_as_people_write_them(text, expected):
    assert parse_number(text).as_tuple() == Decimal(expected).as_tuple()


@pytest.mark.parametrize(
    "text",
    ["", " ", ".", ",", "+", "-", "1.00.0", "1.000.00", "1,00.5", ",000.5", "1.000,5,5", "1,000.5.5", "1,2,3"]
    + ["12.34.567", "1e3", "NaN", "Infinity", "--1", "+-1", "1-", "1/2", "0x10", "½", "1,5,", "hai"],
)
def test_what_is_not_a_number(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


_ENGINE_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def _engine_before(text: str) -> Decimal | None:
    """What the engine read before (congtam.scoring.decimals.parse_number_text): None if refused."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    return Decimal(cleaned.replace(",", ".")) if _ENGINE_TEXT.match(cleaned) else None


@given(st.from_regex(r"\A[ \u00a0]?[+-]?[ ]?(\d{0,7}[ \u00a0]?\d{0,4}([.,]\d{0,6})?|[.,]\d{1,4})[ ]?\Z"))
def test_every_number_the_engine_read_is_read_to_the_same_digits(text):
    before = _engine_before(text)
    assume(before is not None)
    assert parse_number(text).as_tuple() == before.as_tuple()  # value and exponent


def _grouped(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    return separator.join([digits[:head]] + [digits[index : index + 3] for index in range(head, len(digits), 3)])


@given(
    integer=st.integers(min_value=0, max_value=10**15),
    fraction=st.text(alphabet="0123456789", max_size=6),
    sign=st.sampled_from(["", "+", "-", "\u2212"]),
    thousands=st.sampled_from(["", ".", ",", " ", "\u00a0", "\u202f"]),
    decimal_mark=st.sampled_from([",", "."]),
)
def test_a_decimal_written_each_accepted_way_reads_back(integer, fraction, sign, thousands, decimal_mark):
    assume(thousands != decimal_mark)
    digits = str(integer)
    text = sign + _grouped(digits, thousands) if thousands else sign + digits
    if fraction:
        text += decimal_mark + fraction
    elif thousands in (".", ",") and text.count(thousands) == 1:
        assume(False)  # "1.000" alone is 1.000: one mark alone is the decimal mark
    expected = Decimal(("-" if sign in ("-", "\u2212") else "") + digits + ("." + fraction if fraction else ""))
    assert parse_number(text).as_tuple() == expected.as_tuple()


def test_cells_of_other_types():
    assert read_number(7) == Decimal(7) and read_number(Decimal("2.50")).as_tuple() == Decimal("2.50").as_tuple()
    assert read_number("1.000,5") == Decimal("1000.5")
    assert read_number(89.75).as_tuple() == Decimal("89.75").as_tuple()
    assert read_number(100.0).as_tuple() == Decimal("100.0").as_tuple()  # repr, as the engine read it
    assert read_number(0.1 + 0.2) == Decimal("0.3")  # as Excel shows a formula's result
    assert read_number(0.3 - 0.2) == Decimal("0.1")
    for refused in (True, False, math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("-Infinity"), None, [1]):
        with pytest.raises(NumberFormatError):
            read_number(refused)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_cell_is_its_shortest_text_cut_to_fifteen_digits(value):
    number = read_number(value)
    exact = Decimal(repr(value))
    if len(exact.as_tuple().digits) <= 15:
        assert number.as_tuple() == exact.as_tuple()  # what the engine always read
    else:
        assert number.as_tuple() == Decimal(format(value, ".15g")).as_tuple()
    if value == 0 or abs(value) >= sys.float_info.min:  # subnormal floats hold fewer than 15 digits
        assert number == Decimal(format(value, ".15g"))  # the value the catalogue always read


# --- yes and no ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "word", [YES, "có", "CÓ", "co", " C ", "x", "X", "yes", "True", "1", unicodedata.normalize("NFD", "Có")]
)
def test_yes_words(word):
    assert yes_no(word) is True


@pytest.mark.parametrize("word", [NO, "không", "KHONG", "k", "no", "FALSE", "0", unicodedata.normalize("NFD", "Không")])
def test_no_words(word):
    assert yes_no(word) is False


@pytest.mark.parametrize("word", ["", "  ", "Đúng", "maybe", "2", None])
def test_neither_yes_nor_no(word):
    assert yes_no(word) is None
    assert yes_no(True) is True and yes_no(False) is False


@pytest.mark.parametrize(
    "word", ["Có", "có", "CÓ", "co", "c", "x", "yes", "TRUE", "1", "Không", "không", "khong", "K", "no", "false", "0"]
)
def test_every_reader_of_yes_no_reads_the_same_words(word):
    from congtam.core.spreadsheets import YES_NO_BY_WORD, matching_key
    from congtam.scoring.cohort.parse import parse_yes_no
    from congtam.scoring.policy import BOTH, ParameterSpec, parse_parameter_value

    expected = yes_no(word)
    assert expected is not None
    assert YES_NO_BY_WORD[matching_key(word)] is expected  # the organisation workbook
    assert parse_yes_no(word) is expected  # the engine's cohort file
    assert parse_parameter_value(ParameterSpec("boolean", BOTH), word) is expected  # a policy setting
