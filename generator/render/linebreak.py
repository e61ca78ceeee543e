"""Where a line of a report may break, as Chinese typesetting breaks it; shared by HTML, PDF and DOCX.

Pango (WeasyPrint), LibreOffice and browsers follow Unicode line breaking, which allows no break inside a URL
or an e-mail address and none on either side of 「“」「”」 (ambiguous quotation marks). A long URL or a quoted
name then moves down whole and leaves the line before it stretched across the page. The opportunities
Chinese typesetting allows are marked with a zero-width space (U+200B, ``BREAK``): after ``/ . - _ @`` inside
an address (never between two digits), after the area code of a telephone number (0595-｜85601234: a
number of 12 characters kept whole would leave the line before it stretched), before an opening and after a closing quotation mark (never where a
line would then start with 、。，） or end with （《“).

Punctuation compression (标点挤压): of two adjacent full-width marks, the blank half between them goes
(「”、“」「》（」「。”」 take one and a half characters each pair, not two). ``squeezed`` marks the first mark of
such a pair; the renderers pull what follows it half a character closer (letter spacing in HTML/PDF,
character spacing of its run in DOCX), which removes the blank half of either mark alike.

``tokens`` cuts a text into plain text, numbers (never broken but after an area code) and addresses.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

BREAK = "\u200b"  # zero-width space: a break opportunity that prints nothing
NO_LINE_START = "，。、；：？！）」』”’》〉】…—%·"
NO_LINE_END = "（「『“‘《〈【"
ADDRESS_CHAR = r"A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%"
URL = rf"(?:https?://|www\.)[{ADDRESS_CHAR}]*[A-Za-z0-9/#=]"
EMAIL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
NUMBER = r"\d+(?:[.,:/-]\d+)*%?"
TOKEN = re.compile(rf"(?P<address>{URL}|{EMAIL})|(?P<number>{NUMBER})")
PHONE = re.compile(r"(0\d{2,3}-)(\d{7,8})")  # 区号-号码: may break after the area code, as a name after its line
SEPARATORS = "/.-_@"
OPENING = "（「『“‘《〈【〔"
CLOSING = "）」』”’》〉】〕"
PAUSE = "、，。；："  # in Chinese fonts these sit in the left half of their square
QUOTE_BREAK = re.compile(rf"(?<=[^{NO_LINE_END}\s{BREAK}])(?=“)|(?<=”)(?=[^{NO_LINE_START}\s{BREAK}])")


def tokens(text: str, between_letters: bool = False) -> Iterator[tuple[str, str]]:
    """(kind, text) pieces of ``text`` in order: kind is "text", "number" or "address"; break opportunities
    (``BREAK``) are marked in the text around quotation marks and inside addresses (``between_letters``: also
    between two letters of an address)."""
    text = QUOTE_BREAK.sub(BREAK, text)
    end = 0
    for match in TOKEN.finditer(text):
        if match.start() > end:
            yield "text", text[end : match.start()]
        if match.group("address"):
            yield "address", _break_address(match.group(), between_letters)
        else:
            yield "number", PHONE.sub(rf"\1{BREAK}\2", match.group())
        end = match.end()
    if end < len(text):
        yield "text", text[end:]


def _break_address(address: str, between_letters: bool = False) -> str:
    """A break opportunity after each run of / . - _ @ that is not the address's end, unless a digit stands
    on both sides (12.5, 025-5210); with ``between_letters``, also between two letters (jiang|ning)."""
    out = []
    for i, ch in enumerate(address):
        out.append(ch)
        following = address[i + 1 : i + 2]
        between_digits = i > 0 and address[i - 1].isdigit() and following.isdigit()
        after_separator = ch in SEPARATORS and following and following not in SEPARATORS and not between_digits
        if after_separator or (between_letters and ch.isalpha() and following.isalpha()):
            out.append(BREAK)
    return "".join(out)


def with_breaks(text: str) -> str:
    """``text`` with its break opportunities marked by ``BREAK`` (for DOCX, where runs are plain text). Word and
    LibreOffice justify every line, however loose: an address may also break between two letters there, or a
    piece of it that does not fit the line's end (「jiangning.」) spreads the line before it 1 mm apart (the PDF
    leaves such a line short instead)."""
    return "".join(piece for _, piece in tokens(text, between_letters=True))


def squeezed(text: str) -> Iterator[tuple[str, list[bool]]]:
    """``text`` in pieces (piece, squeeze): plain text (``squeeze`` empty), or a run of adjacent full-width
    marks that compress, with a flag per mark: True where the mark and the one after it have a blank half
    between them (the first is a closing or pause mark, or the second an opening one). A run never breaks
    across lines (the break opportunities inside it are dropped): a line never ends on a squeezed mark."""
    marks = re.compile(rf"[{OPENING}{CLOSING}{PAUSE}](?:{BREAK}?[{OPENING}{CLOSING}{PAUSE}])+")
    end = 0
    for match in marks.finditer(text):
        run = match.group().replace(BREAK, "")
        flags = [_squeezes(a, b) for a, b in itertools.pairwise(run)] + [False]
        if not any(flags):
            continue
        if match.start() > end:
            yield text[end : match.start()], []
        yield run, flags
        end = match.end()
    if end < len(text):
        yield text[end:], []


def _squeezes(mark: str, following: str) -> bool:
    return mark in CLOSING + PAUSE or following in OPENING
