import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congtam.core.vntext import clean_text, name_sort_key, search_key, search_query


def test_clean_text_composes_decomposed_diacritics():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn  An ")
    assert decomposed != "Nguyễn Văn An"
    assert clean_text(decomposed) == "Nguyễn Văn An"


def test_people_sort_by_given_name_then_middle_then_family():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Phạm An"]
    assert sorted(names, key=name_sort_key) == ["Phạm An", "Nguyễn Thị An", "Lê Văn An", "Trần Văn Bình"]


def test_vietnamese_alphabet_order_of_letters():
    # a ă â b c d đ e ê … o ô ơ … u ư: each marked letter after its base letter, before the next.
    given_names = [
        "Đức",
        "Dũng",
        "Ân",
        "Ăn",
        "An",
        "Bảo",
        "Ơn",
        "Ôn",
        "On",
        "Ưng",
        "Uyên",
        "Yến",
        "Vân",
        "Xuân",
        "Êm",
        "Em",
    ]
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


@pytest.mark.parametrize(
    ("query", "expected"),
    [("nguyen van an", "nguyen van an"), ("Nguyen Van An", "nguyen van an"), ("  Đặng ", "dang"), ("ĐẶNG", "dang")],
)
def test_search_query_without_diacritics(query, expected):
    assert search_query(query) == expected


def test_search_key_frames_words():
    assert search_key("Đặng Thị Ánh") == " dang thi anh "


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐáàảãạấầẩẫậắằẳẵặéèẻẽẹ ", min_size=1, max_size=30))
def test_sort_key_is_ascii_and_total(name):
    key = name_sort_key(name)
    assert key.isascii()
    assert name_sort_key(unicodedata.normalize("NFD", name)) == key
