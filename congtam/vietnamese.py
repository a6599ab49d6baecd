"""Vietnamese text and numbers, for the whole application and the engine alike.

Standard library only (no Django), so that :mod:`congtam.scoring` runs without it. It holds:

* **text**: NFC composition and cleaning (:func:`nfc`, :func:`clean_text`); keys to match headers
  and choice words (:func:`match_key`, :func:`loose_key`) and to search people without
  diacritics (:func:`strip_diacritics`, :func:`search_key`, :func:`search_query`);
* **the name order**: one sort key (:func:`name_sort_key`) for every list of people and for the
  engine's quota tie-break;
* **numbers**: one reader of number text (:func:`parse_number`) and of spreadsheet or JSON cells
  (:func:`read_number`), used wherever a number is typed: forms, workbooks, the API, cohort files;
* **yes/no words** (:data:`YES`, :data:`NO`, :func:`yes_no`).

The name order is the one of Vietnamese dictionaries:

* letters: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f, j, w, z take their Latin
  places, for foreign names; digits come before the letters, any other character after z);
* a word's letters decide first; its tones only break ties between words with the same letters,
  in the order ngang, huyền, hỏi, ngã, sắc, nặng (ma < mà < mả < mã < má < mạ < mai);
* a person is ordered by given name (the last word), then middle names, then family name.

Lists of up to 100,000 people are sorted by the database, so the key is a plain ASCII string whose
byte order is that order, stored with each person (:class:`congtam.core.fields.SortKeyField`):
its bytes must never change, or the stored keys would sort apart from new ones.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

# --- text ---------------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")
_NOT_SEARCHABLE = re.compile(r"[^0-9a-z ]+")


def nfc(value: str) -> str:
    """Compose the text (Windows Excel files often carry decomposed diacritics)."""
    if value.isascii():  # ASCII is its own NFC form
        return value
    return unicodedata.normalize("NFC", value)


def clean_text(value: object) -> str:
    """NFC, trimmed, with runs of white space folded to one space; ``None`` is empty."""
    if value is None:
        return ""
    return _SPACES.sub(" ", nfc(str(value))).strip()


def match_key(text: str) -> str:
    """A key for tolerant header matching: NFC, case-folded, inner spaces collapsed."""
    return " ".join(nfc(text).casefold().split())


def loose_key(text: str) -> str:
    """Like :func:`match_key` but without any diacritics, đ as d (for words typed without them)."""
    decomposed = unicodedata.normalize("NFD", match_key(text)).replace("đ", "d")
    return "".join(char for char in decomposed if not unicodedata.combining(char))


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


# --- the name order -----------------------------------------------------------------------------
# The letters in order, each one code point (NFC).
ALPHABET = tuple("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")

# Combining marks that carry the tone, by tone number (0 = ngang).
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a letter of its own (ă â ê ô ơ ư).
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}

# Letters map to single printable characters from "A" upwards; digits sort before letters.
_LETTER_CODE = {letter: chr(ord("A") + index) for index, letter in enumerate(ALPHABET)}
_LETTER_CODE.update({str(digit): chr(ord("0") + digit) for digit in range(10)})
_OTHER_CODE = chr(ord("A") + len(ALPHABET))  # any other character, after z

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


@lru_cache(maxsize=1 << 16)  # a cohort or an organisation repeats the same few thousand words
def word_sort_key(word: str) -> str:
    """One word's key: its letters' codes, then (after ``.``) its tones, one digit a letter."""
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


# --- numbers ------------------------------------------------------------------------------------
class NumberFormatError(ValueError):
    """Raised when a text or a cell cannot be read as a number."""


_MINUS_SIGN = "\u2212"
_DIGITS = re.compile(r"\d*")
_GROUPED = {mark: re.compile(r"\d{1,3}(?:" + re.escape(mark) + r"\d{3})+") for mark in ".,"}
# Excel shows (and computes with) 15 significant digits.
_FLOAT_DIGITS = 15


def parse_number(text: str) -> Decimal:
    """A number as people type it, with a decimal comma or a decimal dot.

    * White space (also U+00A0 and U+202F, the no-break spaces) is ignored anywhere: a space
      separates thousands (``1 000,5``), as it did in every reader before;
    * with both a dot and a comma, the last one is the decimal mark and the other separates
      thousands (``1.000,5``, ``1,000.5``);
    * a mark that appears more than once separates thousands (``1.000.000``), and one mark alone
      is the decimal mark (``1,5``, ``1.5``; ``1.000`` is 1.000);
    * thousands groups are exactly three digits (``1.00.0`` is refused);
    * an optional sign ``+``, ``-`` or ``−`` (U+2212); ``.5``, ``5,`` are read too.

    The Decimal keeps the digits as written: ``89,50`` is ``Decimal("89.50")``, as the engine has
    always read it (scores are exact). Raises :class:`NumberFormatError`.
    """
    if not isinstance(text, str):
        raise NumberFormatError(repr(text))
    number = _SPACES.sub("", text)
    sign = ""
    if number[:1] in ("+", "-", _MINUS_SIGN):
        sign, number = ("-" if number[0] == _MINUS_SIGN else number[0]), number[1:]
    commas, dots = number.count(","), number.count(".")
    if commas and dots:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
    elif commas > 1 or dots > 1:
        decimal_mark, thousands = "", ("," if commas else ".")
    else:
        decimal_mark, thousands = ("," if commas else "." if dots else ""), ""
    if decimal_mark:
        integer, _mark, fraction = number.partition(decimal_mark)
        if decimal_mark in fraction or not _DIGITS.fullmatch(fraction):
            raise NumberFormatError(text)
    else:
        integer, fraction = number, ""
    if thousands:
        if not _GROUPED[thousands].fullmatch(integer):
            raise NumberFormatError(text)
        integer = integer.replace(thousands, "")
    elif not _DIGITS.fullmatch(integer):
        raise NumberFormatError(text)
    if not integer and not fraction:
        raise NumberFormatError(text)
    return Decimal(f"{sign}{integer}.{fraction}" if decimal_mark else f"{sign}{integer}")


def read_number(value: object) -> Decimal:
    """A number from a cell of a workbook, a JSON value or a form: text by :func:`parse_number`;
    an ``int`` exactly; a ``Decimal`` as it is (if finite); a ``float`` as the spreadsheet shows
    it: its shortest text (``repr``: 89.75 is 89.75, not 89.7500000000000000001), cut to 15
    significant digits when longer (a formula's 0.1 + 0.2 is 0.3, as Excel shows it, not
    0.30000000000000004). ``bool``, NaN, infinities and anything else are refused
    (:class:`NumberFormatError`)."""
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, bool):
        raise NumberFormatError(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberFormatError(str(value))
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberFormatError(repr(value))
        number = Decimal(repr(value))
        if len(number.as_tuple().digits) > _FLOAT_DIGITS:
            number = Decimal(format(value, f".{_FLOAT_DIGITS}g"))
        return number
    raise NumberFormatError(repr(value))


# --- yes and no ---------------------------------------------------------------------------------
# The words of a yes/no column or setting, as written in the workbooks the application makes.
YES, NO = "Có", "Không"
# What is read as yes or no, compared by :func:`loose_key` (case, spacing and diacritics aside).
YES_WORDS = frozenset({"co", "c", "x", "yes", "true", "1"})
NO_WORDS = frozenset({"khong", "k", "no", "false", "0"})


def yes_no(value: object) -> bool | None:
    """``True`` for a yes word (Có, C, X, yes, true, 1), ``False`` for a no word (Không, K, no,
    false, 0), ``None`` for anything else, the empty text included (each caller says what an
    empty cell means)."""
    if isinstance(value, bool):
        return value
    key = loose_key(clean_text(value))
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    return None
