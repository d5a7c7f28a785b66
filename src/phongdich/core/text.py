"""Vietnamese text helpers: the unaccented, lower-case form used for search and duplicate matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """'  Nguyễn Thị  Hằng ' -> 'nguyen thi hang'. Letters only lose their marks; other characters stay."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def clean_name(text: str) -> str:
    """The name as typed, in NFC with single spaces (so 'Hằng' typed on two keyboards compares equal)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def search_keys(folded: str) -> list[str]:
    """The forms a name is found by: from each word on, so a search may start with the family name,
    the middle name or the given name. 'nguyen thi hang' -> ['nguyen thi hang', 'thi hang', 'hang'].
    A form starting with a word an earlier form starts with is left out: any prefix search it would
    answer is answered by the earlier form, and the person would otherwise be listed twice."""
    words = folded.split(" ") if folded else []
    keys, first_words = [], set()
    for i, word in enumerate(words):
        if word not in first_words:
            first_words.add(word)
            keys.append(" ".join(words[i:]))
    return keys


def mask_id_number(number: str) -> str:
    """'074186123456' -> '••••••••3456': lists show only the last four digits of an identity number."""
    return "•" * (len(number) - 4) + number[-4:] if number else ""
