"""Reading a Vietnamese directive's text: its numbered points and its recipients ("Nơi nhận").

A directive of a steering committee or a party standing committee numbers its points "1.", "2.", …, sometimes
inside sections "I.", "II.", and sub-points "a)", "b)" or "(1)", "(2)"; bullets ("- Cấp xã: …") stay inside their
point. The text before the first point (the preamble) and after the last (the closing sentence, "Nơi nhận", the
signature) are not points. Texts copied from a PDF break sentences at page ends: a paragraph that starts in lower
case after one that ends mid-sentence is joined back to it. The result is a proposal the person entering the
directive reviews and edits."""

import re

SECTION = re.compile(r"^(?P<n>[IVX]{1,5})\.\s+(?P<rest>\S.*)$")
NUMBER = re.compile(r"^(?P<n>\d{1,2})\.(?!\d)\s*(?P<rest>.*)$")
LETTER = re.compile(r"^(?P<n>[a-zđ])\)\s*(?P<rest>.*)$")
PAREN = re.compile(r"^\((?P<n>\d{1,2})\)\s*(?P<rest>.*)$")
# Where the points end: the closing sentence, the recipients, the signature block.
CLOSING = re.compile(
    r"^(nơi nhận|t/m\b|tm\.|kt\.|t/l\b|\(đã ký|chỉ thị (này|trên)|thông báo (này|trên)|kế hoạch (này|trên)|"
    r"công văn (này|trên)|ban thường vụ tỉnh ủy thông báo|yêu cầu các cấp ủy)",
    re.IGNORECASE,
)
RECIPIENTS = re.compile(r"^(nơi nhận|kính gửi)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
BULLETS = ("-", "+", "•")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese documents letter sub-points without f, j, w, z
SENTENCE_END = (".", ":", ";", "!", "?", "…", "”", '"', ")")
NUMBER_MAX = 12


def _clean(line: str) -> str:
    """A line without the emphasis marks of a converted document (**bold**, *italic*) and with single spaces."""
    return " ".join(re.sub(r"\*+", "", re.sub(r"(?<=\w)\*+(?=\w)", " ", line)).split())


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blank lines between them), each on one line; a paragraph broken at a page end is
    joined back."""
    found: list[str] = []
    current: list[str] = []
    for raw in (text or "").splitlines() + [""]:
        line = _clean(raw)
        if line:
            current.append(line)
            continue
        if not current:
            continue
        paragraph = " ".join(current)
        current = []
        if found and paragraph[:1].islower() and not found[-1].endswith(SENTENCE_END):
            found[-1] = f"{found[-1]} {paragraph}"
        else:
            found.append(paragraph)
    return found


def directive_points_parse(text: str) -> list[tuple[str, str]]:
    """The directive's points as (number, text), in order: "1", "2", …; "II.3" inside section II; "4.a" or "2.1"
    for the sub-points of point 4 or 2 written "a)" or "(1)". A number is taken as a point only where it is the
    next one expected, so a stray "3." inside a sentence's paragraph does not cut it."""
    points: list[list[str]] = []
    section = ""
    number = 0
    parent = ""
    sub_letter = sub_number = 0
    for paragraph in paragraphs(text):
        if points and CLOSING.match(paragraph):
            break
        if (match := SECTION.match(paragraph)) and _next_section(points, section) == match["n"]:
            section, number, parent = match["n"], 0, ""
            points.append([section, match["rest"]])
            continue
        if (match := NUMBER.match(paragraph)) and int(match["n"]) == number + 1:
            number += 1
            parent = f"{section}.{number}" if section else str(number)
            sub_letter = sub_number = 0
            points.append([parent, match["rest"]])
            continue
        if parent and (match := LETTER.match(paragraph)) and LETTERS.find(match["n"]) == sub_letter:
            sub_letter += 1
            points.append([f"{parent}.{match['n']}", match["rest"]])
            continue
        if parent and (match := PAREN.match(paragraph)) and int(match["n"]) == sub_number + 1:
            sub_number += 1
            points.append([f"{parent}.{sub_number}", match["rest"]])
            continue
        if points:
            points[-1][1] = f"{points[-1][1]}\n{paragraph}".strip()
    return [(key[:NUMBER_MAX], body.strip()) for key, body in points if body.strip()]


def _next_section(points: list[list[str]], section: str) -> str:
    """The roman numeral of the section expected next: I before any point, then the one after the current."""
    if not section:
        return ROMAN[0] if not points else ""
    position = ROMAN.index(section)
    return ROMAN[position + 1] if position + 1 < len(ROMAN) else ""


def directive_recipients_parse(text: str) -> str:
    """The recipients the text lists under "Nơi nhận:" (under "Kính gửi:" when it has no such list), one a line,
    without their bullets. An item goes on over the next line when that line starts in lower case."""
    blocks: dict[str, list[str]] = {"nơi nhận": [], "kính gửi": []}
    block: list[str] | None = None
    for raw in (text or "").splitlines():
        line = _clean(raw)
        if not line:
            continue
        if match := RECIPIENTS.match(line):
            block = blocks[match[1].lower()]
            line = match["rest"]
            if not line:
                continue
        if block is None:
            continue
        if line.startswith(BULLETS):
            if item := line.lstrip("".join(BULLETS)).strip():
                block.append(item)
        elif block and line[:1].islower():
            block[-1] = f"{block[-1]} {line}"
        else:
            block = None
    return "\n".join(blocks["nơi nhận"] or blocks["kính gửi"])
