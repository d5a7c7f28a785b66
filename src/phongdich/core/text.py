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


def given_name_first(folded: str) -> str:
    """'nguyen thi hang' -> 'hang nguyen thi', so a search for the given name alone uses an index too."""
    parts = folded.split(" ")
    return " ".join(parts[-1:] + parts[:-1]) if len(parts) > 1 else folded
