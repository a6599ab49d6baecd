"""Vietnamese names for the demo's people: family, middle and given names drawn with their real
frequencies, by gender and ethnic group, and the agency's usual mailbox names made from them.

Each draw takes its randomness from the generator given, so the same seed gives the same names.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import unicodedata

# Family names of the Kinh majority with their approximate share of the population (per cent).
KINH_FAMILY_NAMES = {
    "Nguyễn": 38.0,
    "Trần": 11.0,
    "Lê": 9.5,
    "Phạm": 7.1,
    "Hoàng": 4.5,
    "Phan": 4.5,
    "Vũ": 3.0,
    "Đặng": 2.1,
    "Bùi": 2.0,
    "Huỳnh": 1.5,
    "Võ": 1.5,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1.0,
    "Đào": 0.6,
    "Đoàn": 0.6,
    "Trịnh": 0.6,
    "Trương": 0.6,
    "Đinh": 0.6,
    "Lý": 0.5,
    "Lương": 0.4,
    "Mai": 0.4,
    "Cao": 0.4,
    "Hà": 0.4,
    "Vương": 0.3,
    "Tạ": 0.3,
    "Lâm": 0.3,
    "Phùng": 0.3,
    "Chu": 0.3,
    "Tô": 0.2,
    "Kiều": 0.2,
    "Lại": 0.2,
    "Nghiêm": 0.2,
    "Quách": 0.1,
    "Khúc": 0.1,
    "Thái": 0.1,
}
# Ethnic groups among the staff (per cent) and the family names common in each.
ETHNICITIES = {
    "Kinh": 88.4,
    "Tày": 2.5,
    "Thái": 2.0,
    "Mường": 2.0,
    "Nùng": 1.5,
    "Khmer": 1.2,
    "Hoa": 1.0,
    "Mông": 0.8,
    "Dao": 0.6,
}
MINORITY_FAMILY_NAMES = {
    "Tày": ["Hoàng", "Nông", "Lương", "Triệu", "Bế", "Ma", "Hà", "Lục"],
    "Nùng": ["Hoàng", "Nông", "Lăng", "Lý", "Vi", "Triệu"],
    "Thái": ["Lò", "Cầm", "Lường", "Quàng", "Vi", "Hà"],
    "Mường": ["Bùi", "Đinh", "Quách", "Hà", "Xa"],
    "Khmer": ["Thạch", "Sơn", "Danh", "Kim", "Lâm", "Trà"],
    "Hoa": ["Lý", "Trương", "Lâm", "Quách", "Mã", "Hứa", "Tăng"],
    "Mông": ["Giàng", "Vàng", "Sùng", "Thào", "Lý", "Hạng"],
    "Dao": ["Triệu", "Bàn", "Đặng", "Lý"],
}
MALE_MIDDLE_NAMES = {
    "Văn": 30,
    "Đức": 8,
    "Minh": 8,
    "Quang": 6,
    "Hữu": 5,
    "Đình": 4,
    "Công": 4,
    "Thành": 4,
    "Xuân": 4,
    "Ngọc": 3,
    "Anh": 3,
    "Hoàng": 3,
    "Tuấn": 3,
    "Mạnh": 3,
    "Việt": 3,
    "Trọng": 3,
    "Quốc": 3,
    "Thanh": 3,
    "Duy": 3,
    "Hải": 2,
    "Tiến": 2,
    "Huy": 2,
    "Trung": 2,
    "Kim": 1,
}
FEMALE_MIDDLE_NAMES = {
    "Thị": 45,
    "Thu": 6,
    "Thanh": 6,
    "Ngọc": 5,
    "Minh": 4,
    "Hồng": 4,
    "Phương": 3,
    "Thúy": 2,
    "Kim": 2,
    "Mai": 2,
    "Bích": 2,
    "Khánh": 2,
    "Hải": 2,
    "Thùy": 2,
    "Lan": 1,
    "Diệu": 1,
    "Quỳnh": 1,
    "Hoài": 1,
    "Bảo": 1,
    "Ánh": 1,
    "Tuyết": 1,
}
# A woman's second middle name after "Thị" ("Nguyễn Thị Thu Hà").
FEMALE_SECOND_MIDDLE_NAMES = ["Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Kim", "Mai", "Bích", "Thùy"]
MALE_GIVEN_NAMES = {
    "Anh": 3,
    "Hùng": 2,
    "Dũng": 2,
    "Tuấn": 2,
    "Minh": 2,
    "Hải": 2,
    "Nam": 2,
    "Sơn": 2,
    "Đức": 2,
    "Long": 2,
    "An": 1,
    "Bình": 1,
    "Cường": 1,
    "Dương": 1,
    "Giang": 1,
    "Hiếu": 1,
    "Hoàng": 1,
    "Huy": 1,
    "Khánh": 1,
    "Khoa": 1,
    "Kiên": 1,
    "Lâm": 1,
    "Nghĩa": 1,
    "Phong": 1,
    "Phúc": 1,
    "Quân": 1,
    "Quang": 1,
    "Tài": 1,
    "Thắng": 1,
    "Thành": 1,
    "Thịnh": 1,
    "Toàn": 1,
    "Trung": 1,
    "Tùng": 1,
    "Việt": 1,
    "Vinh": 1,
    "Hưng": 1,
    "Tâm": 1,
    "Thái": 1,
    "Tiến": 1,
    "Trường": 1,
    "Khôi": 1,
    "Đạt": 1,
    "Hòa": 1,
    "Lộc": 1,
    "Chiến": 1,
    "Công": 1,
    "Định": 1,
    "Hiệp": 1,
}
FEMALE_GIVEN_NAMES = {
    "Linh": 3,
    "Hương": 3,
    "Trang": 3,
    "Hà": 2,
    "Lan": 2,
    "Hoa": 2,
    "Ngọc": 2,
    "Thảo": 2,
    "Anh": 2,
    "Huyền": 2,
    "Hằng": 2,
    "Phương": 2,
    "Mai": 2,
    "Ánh": 1,
    "Chi": 1,
    "Dung": 1,
    "Duyên": 1,
    "Giang": 1,
    "Hạnh": 1,
    "Hiền": 1,
    "Hồng": 1,
    "Huệ": 1,
    "Liên": 1,
    "Loan": 1,
    "My": 1,
    "Nga": 1,
    "Ngân": 1,
    "Nhung": 1,
    "Oanh": 1,
    "Quyên": 1,
    "Quỳnh": 1,
    "Thủy": 1,
    "Thu": 1,
    "Tuyết": 1,
    "Uyên": 1,
    "Vân": 1,
    "Yến": 1,
    "Hòa": 1,
    "Thanh": 1,
    "Lệ": 1,
    "Bình": 1,
}
# Names of the Mông follow their own pattern: "A" as the middle name of men ("Giàng A Páo").
MONG_MALE_GIVEN_NAMES = ["Páo", "Chư", "Dế", "Sử", "Lử", "Chinh", "Pó", "Tủa"]
MONG_FEMALE_GIVEN_NAMES = ["Mỷ", "Mai", "Dợ", "Sùng", "Pà", "Chúa", "Xúa"]


class _Weighted:
    """Draws from a weighted table quickly (bisect on cumulative weights)."""

    __slots__ = ("cumulative", "total", "values")

    def __init__(self, table: dict[str, float]):
        self.values = list(table)
        self.cumulative = list(itertools.accumulate(table.values()))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


_KINH_FAMILY = _Weighted(KINH_FAMILY_NAMES)
_ETHNICITY = _Weighted(ETHNICITIES)
_MIDDLE = {"male": _Weighted(MALE_MIDDLE_NAMES), "female": _Weighted(FEMALE_MIDDLE_NAMES)}
_GIVEN = {"male": _Weighted(MALE_GIVEN_NAMES), "female": _Weighted(FEMALE_GIVEN_NAMES)}


def draw_ethnicity(rng: random.Random) -> str:
    """An ethnic group, with its share among the staff."""
    return _ETHNICITY.draw(rng)


def draw_name(rng: random.Random, gender: str, ethnicity: str) -> str:
    """A realistic Vietnamese full name for a person of that gender and ethnic group."""
    family = _KINH_FAMILY.draw(rng) if ethnicity == "Kinh" else rng.choice(MINORITY_FAMILY_NAMES[ethnicity])
    if ethnicity == "Mông":
        if gender == "male":
            return f"{family} A {rng.choice(MONG_MALE_GIVEN_NAMES)}"
        return f"{family} Thị {rng.choice(MONG_FEMALE_GIVEN_NAMES)}"
    given = _GIVEN[gender].draw(rng)
    middle = _MIDDLE[gender].draw(rng)
    while middle == given:
        middle = _MIDDLE[gender].draw(rng)
    if gender == "female" and middle == "Thị" and rng.random() < 0.15:
        second = rng.choice(FEMALE_SECOND_MIDDLE_NAMES)
        if second != given:
            middle = f"Thị {second}"
    return f"{family} {middle} {given}"


@functools.lru_cache(maxsize=4096)
def ascii_word(word: str) -> str:
    text = word.lower().replace("đ", "d")
    return "".join(char for char in unicodedata.normalize("NFD", text) if char.isascii() and char.isalnum())


def email_stem(full_name: str) -> str:
    """The agency's usual mailbox name: the given name then the initials of the others
    ("Nguyễn Văn An" → "annv")."""
    words = [ascii_word(word) for word in full_name.split()]
    words = [word for word in words if word]
    return words[-1] + "".join(word[0] for word in words[:-1])
