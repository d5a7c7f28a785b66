"""Names as the certificate carries them: as written (`fn`, `gn`) and in the machine-readable form of ICAO
Doc 9303 part 3 (`fnt`, `gnt`): capital A–Z, `<` between words, at most 80 characters."""

import re
import unicodedata

MAX_LENGTH = 80
# ICAO's own transliterations for letters that are not a base letter plus marks.
SPECIAL = {"Đ": "D", "Ð": "D", "Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Æ": "AE", "Ø": "OE", "ß": "SS",
           "Þ": "TH", "Œ": "OE", "Ł": "L", "Ħ": "H", "Ŧ": "T", "Ŋ": "N", "Ĳ": "IJ"}  # fmt: skip


def icao(text: str) -> str:
    """ "Nguyễn Thị Hằng" → "NGUYEN<THI<HANG"."""
    letters = []
    for char in text.upper():
        if char in SPECIAL:
            letters.append(SPECIAL[char])
            continue
        base = unicodedata.normalize("NFD", char)[0]
        letters.append(base if "A" <= base <= "Z" else "<" if char in " -'’‐." else "")
    machine = re.sub("<+", "<", "".join(letters)).strip("<")
    return machine[:MAX_LENGTH]


def split_vietnamese(full_name: str) -> tuple[str, str]:
    """A Vietnamese name is written family name first: "Nguyễn Thị Hằng" → ("Nguyễn", "Thị Hằng")."""
    words = full_name.split()
    if not words:
        return "", ""
    return words[0], " ".join(words[1:])


def certificate_name(full_name: str) -> dict:
    family, given = split_vietnamese(full_name)
    name = {"fn": family[:MAX_LENGTH], "fnt": icao(family)}
    if given:
        name |= {"gn": given[:MAX_LENGTH], "gnt": icao(given)}
    return name
