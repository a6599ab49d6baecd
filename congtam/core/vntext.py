"""Vietnamese text: Unicode normalisation, searching without diacritics, and sorting.

Sorting happens in the database (the lists hold up to 100,000 people), so a name's order is
captured once, when it is written, as a *sort key*: a plain ASCII string whose byte order is the
Vietnamese alphabetical order. Both SQLite and PostgreSQL (with the ``C`` collation, see
:class:`congtam.core.fields.SortKeyField`) then sort and index it the same way.

The order is the one of Vietnamese dictionaries:

* letters: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f, j, w, z, digits and
  other characters after them, for foreign names);
* a word's letters decide first; its tones only break ties between words with the same letters,
  in the order ngang, huyền, hỏi, ngã, sắc, nặng (ma < mà < mả < mã < má < mạ < mai);
* a person is ordered by given name (the last word), then middle names, then family name.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_SEARCHABLE = re.compile(r"[^0-9a-z ]+")


def nfc(value: str) -> str:
    """Compose the text (Windows Excel files often carry decomposed diacritics)."""
    return unicodedata.normalize("NFC", value)


def clean_text(value: object) -> str:
    """NFC, trimmed, with runs of white space folded to one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", nfc(str(value))).strip()


# Combining marks that carry the tone, by tone number (0 = ngang).
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a letter of its own (ă â ê ô ơ ư).
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}

_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
# Letters map to single printable characters from "A" upwards; digits sort before letters.
_LETTER_CODE = {letter: chr(ord("A") + index) for index, letter in enumerate(_ALPHABET)}
_LETTER_CODE.update({str(digit): chr(ord("0") + digit) for digit in range(10)})
_OTHER_CODE = chr(ord("A") + len(_ALPHABET))  # any other character, after z

# Between a word's letters and its tones, and between words: both sort before any letter or tone
# so that a shorter word comes first ("An" < "Anh").
_TONE_SEPARATOR = "."
_WORD_SEPARATOR = " "


def _split_letter(char: str) -> tuple[str, int]:
    """A character's base letter (ă, â… kept as letters) and its tone number."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0]
    tone = 0
    letter_marks = []
    for mark in decomposed[1:]:
        if mark in _TONE_MARKS:
            tone = _TONE_MARKS[mark]
        elif mark in _LETTER_MARKS:
            letter_marks.append(mark)
    letter = unicodedata.normalize("NFC", base + "".join(letter_marks))
    if letter == "d" and char.lower() == "đ":
        letter = "đ"
    return letter, tone


def word_sort_key(word: str) -> str:
    letters = []
    tones = []
    for char in word:
        if char.lower() == "đ":
            letters.append(_LETTER_CODE["đ"])
            tones.append("0")
            continue
        letter, tone = _split_letter(char)
        letters.append(_LETTER_CODE.get(letter, _OTHER_CODE))
        tones.append(str(tone))
    return "".join(letters) + _TONE_SEPARATOR + "".join(tones)


def name_parts(full_name: str) -> tuple[str, list[str], str]:
    """(family name, middle names, given name) of a Vietnamese full name."""
    words = clean_text(full_name).split(" ")
    if len(words) == 1:
        return "", [], words[0]
    return words[0], words[1:-1], words[-1]


def name_sort_key(full_name: str) -> str:
    """Sort key: given name, then middle names, then family name, in Vietnamese order."""
    family, middle, given = name_parts(full_name)
    ordered = [given, *middle, family] if family else [given]
    return _WORD_SEPARATOR.join(word_sort_key(word) for word in ordered if word)


def strip_diacritics(value: str) -> str:
    """Lower case without diacritics, đ as d: "Đặng Thị Ánh" -> "dang thi anh"."""
    text = nfc(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_key(value: str) -> str:
    """What a person is searched by: words without diacritics, single-spaced, framed by spaces
    so that a query can match the start of any word ("dang" finds "Đặng", not "Hải Đăng"'s
    middle of a word)."""
    return " " + _SPACES.sub(" ", _NOT_SEARCHABLE.sub(" ", strip_diacritics(value))).strip() + " "


def search_query(value: str) -> str:
    """A user's query in the form :func:`search_key` stores: letters without diacritics, digits
    and single spaces (anything else, LIKE's wildcards included, becomes a space); empty when
    nothing is left."""
    return _SPACES.sub(" ", _NOT_SEARCHABLE.sub(" ", strip_diacritics(clean_text(value)))).strip()
