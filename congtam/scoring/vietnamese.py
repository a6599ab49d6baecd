"""Vietnamese text helpers: NFC normalisation, matching keys, and name order for sorting.

People sort the Vietnamese way: by given name (the last word), then the middle and family names,
letter by letter in the Vietnamese alphabet (a ă â b c d đ e ê …), tones breaking ties in the
dictionary order ngang, huyền, hỏi, ngã, sắc, nặng.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tone marks in dictionary order; the unmarked (ngang) tone is 0.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def nfc(text: str) -> str:
    if text.isascii():  # ASCII is its own NFC form
        return text
    return unicodedata.normalize("NFC", text)


def match_key(text: str) -> str:
    """A key for tolerant header matching: NFC, case-folded, inner spaces collapsed."""
    return " ".join(nfc(text).casefold().split())


def loose_key(text: str) -> str:
    """Like :func:`match_key` but without any diacritics (for values typed without them)."""
    decomposed = unicodedata.normalize("NFD", match_key(text)).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for char in nfc(word.casefold()):
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        marks = decomposed[1:]
        letter = base + "".join(m for m in marks if m in _LETTER_MARKS)
        letter = unicodedata.normalize("NFC", letter)
        letters.append(_LETTER_RANK.get(letter, 100 + ord(base)))
        tones.append(max((_TONE_RANK.get(m, 0) for m in marks), default=0))
    return tuple(letters), tuple(tones)


def name_sort_key(full_name: str) -> tuple:
    """Given name first, then the other words in order; letters before tones."""
    words = nfc(full_name).split()
    if not words:
        return ((), ())
    ordered = [words[-1], *words[:-1]]
    keys = [_word_key(word) for word in ordered]
    return tuple(key[0] for key in keys), tuple(key[1] for key in keys)
