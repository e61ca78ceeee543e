"""Table rows in plain text and PDF text, where the cells are not separated the way a table is.

Text saved from portals and extracted from PDFs shows the tables in many shapes; each becomes
tab-separated cells (the form ``text.items_from_lines`` reads) before the tables are read:

* markdown pipes: 「规章 | 0 | 0 | 0 |」;
* a label and its numbers on one line, the label with stray spaces or after its group label:
  「4.无正当理由大量反复 申请 0 0 0」, 「（四）无法提供 1.本机关不掌握相关政府信息 31 …」;
* a whole table on one line, cells run together: 「规章 000行政规范性文件693665第二十条…」. It is cut
  at the official labels; the digits after a label stay one cell here (``digits`` splits them later,
  with the table's arithmetic);
* a long line holding several sections (a whole web page on one line) starts a new line at each
  official section heading, and at each （一）…（五） sub-heading in its prose.

Single characters between labels are a vertical header printed one character per line (「三」「、」「本」
「年」…, pdftotext -layout) and are dropped; a label wrapped around its numbers is joined again. Only lines
in the table zone (from the first table caption to the heading of 五 or 六) are cut at labels, and only when
what is left between the labels is numbers: prose that names 「行政许可」 stays prose.
"""

from __future__ import annotations

import re

from ...formats import HEADINGS
from .furniture import is_page_number
from .items import compact, is_numeric, keyform
from .tables import CAPTION, SHORT, is_label, is_label_start, label_regex

Line = tuple[str, str]  # (where, text)

ANNOTATION = re.compile(r"^\s*[（(][^（()）]*[）)]\s*$")
SUBPART = re.compile(r"(?<=[。；！？])\s*(?=[（(][一二三四五六七八九十][）)])")
LONG_LINE = 100  # a line this long can be a whole section (or page) on one line
# What may stand right before a heading inside a line: not a word of a sentence (「详见二、…」), but the end of
# one, or the last cell of the table before (a number, 「元」).
AFTER_HEADING_START = re.compile(r"[^\u4e00-\u9fff]|[元件项条个次]")
ZONE_START = ("勾稽关系",)  # and a section 二 caption (``is_caption``)
LATE_WORDS = ("问题", "改进", "不足", "其他", "其它")  # headings of 五 and 六 end the table zone
STRAY_HEAD = 3  # characters of a vertical group label that may stand beside a wrapped label's lines
MAX_PIECES = 2  # such pieces passed over between two lines of a wrapped label
BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
PLACEHOLDER_HEADER = re.compile(r"Col\d+")
NOISE = re.compile(r"\s*[A-Za-z|!'`·•*#>_~]{1,2}\s*")  # a stray character before a heading (「l六、…」, OCR)
NUMERAL_HEADING = re.compile(r"^[一二三四五六七八九十]{1,2}\s*[、.．]")


def _heading_regex() -> re.Pattern:
    bodies = []
    for heading in HEADINGS:
        numeral, body = heading.split("、", 1)
        bodies.append(numeral + r"\s*[、.．]\s*" + r"[\W_]*".join(map(re.escape, keyform(body))))
    return re.compile("|".join(bodies))


HEADING_ANYWHERE = _heading_regex()


def split_lines(lines: list[Line]) -> list[Line]:
    """Pipes to tabs, long lines cut at headings, table-zone lines cut into rows."""
    lines = [out for line in lines for out in _pipes(line)]
    lines = [out for line in lines for out in _headings(line)]
    start, end = table_zone([text for _, text in lines])
    lines, end = _sandwiched(lines, start, end)
    out: list[Line] = []
    for index, (where, text) in enumerate(lines):
        if start <= index < end and "\t" not in text:
            rows = split_table_line(text)
            if rows is not None:
                out += [(where, row) for row in rows]
                continue
        if len(text) > LONG_LINE and not start <= index < end:
            out += [(where, part) for part in SUBPART.split(text) if part.strip()]
            continue
        out.append((where, text))
    return out


def _sandwiched(lines: list[Line], start: int, end: int) -> tuple[list[Line], int]:
    """A label wrapped around its numbers (pdftotext -layout centres the numbers on a label of two or three lines):
    「1.申请人无正当理由逾期不补正、行政机关不」「1 0 0 0 0 0 1」「再处理其政府信息公开申请」 becomes one row, when
    the text lines together are exactly a label. Blank lines and short pieces of a vertical group label between
    them (「（六）其」「他处理」) are passed over and kept; a short piece before the numbers is dropped."""
    out = lines[:start]
    i = start
    while i < end:
        found = _wrapped_at(lines, i, end)
        if found is None:
            out.append(lines[i])
            i += 1
            continue
        row, skipped, after = found
        out += [lines[j] for j in skipped]
        out.append((lines[i][0], row))
        i = after
    return out + lines[end:], len(out)


def _next_lines(lines: list[Line], i: int, end: int) -> list[tuple[int, list[int]]]:
    """The next lines with text after ``i``: the first one, then the ones found by passing over up to two short
    pieces (each with the indices passed over)."""
    found: list[tuple[int, list[int]]] = []
    skipped: list[int] = []
    for j in range(i + 1, end):
        text = lines[j][1]
        if not text.strip():
            continue
        found.append((j, list(skipped)))
        if len(keyform(text)) > STRAY_HEAD or _is_values(text) or len(skipped) == MAX_PIECES:
            break
        skipped.append(j)
    return found


def _wrapped_at(lines: list[Line], i: int, end: int) -> tuple[str, list[int], int] | None:
    """(row, indices passed over, index after the row) when a wrapped label starts at line ``i``."""
    first = lines[i][1]
    if "\t" in first or not first.strip() or _is_values(first) or is_label(first) or is_numeric(first.split()[-1]):
        return None
    for j, before in _next_lines(lines, i, end):
        numbers = _numbers_of(lines[j][1])
        if numbers is None:
            continue
        middle, values = numbers
        for k, after in _next_lines(lines, j, end):
            last = lines[k][1]
            if "\t" in last or _is_values(last) or is_numeric(last.split()[-1]):
                continue
            for label in (first.strip() + middle + last.strip(), first.strip() + last.strip()):
                if is_label(label) and (middle in label or len(keyform(middle)) <= STRAY_HEAD):
                    return "\t".join([label, *values]), before + after, k + 1
    return None


def _numbers_of(text: str) -> tuple[str, list[str]] | None:
    """(short head, cells) of a line of numbers, in whitespace (「他处理 0 0 0」) or a converter's pipe cells
    (「\t\t2 0\t0 0\t2」: its cells kept as they are); None when anything but the head is not a number."""
    cells = [cell.strip() for cell in text.split("\t") if cell.strip()] if "\t" in text else text.split()
    head = 0
    while head < len(cells) and not _is_values(cells[head]):
        head += 1
    values = cells[head:]
    if not values or not all(_is_values(cell) for cell in values):
        return None
    return "".join(cells[:head]), values


def _pipes(line: Line) -> list[Line]:
    """A markdown table row 「规章 | 0 | 0 | 0 |」 becomes tab-separated cells; its rule line is dropped."""
    where, text = line
    if "|" not in text or "\t" in text:
        return [line]
    if set(text.strip()) <= set("|:- "):
        return [(where, "")]  # a rule line, or a row end 「||」 of one-cell-per-line pipes: a row break
    if is_page_number("".join(text.split("|"))):
        return [(where, "")]  # a page footer a converter put inside the table: 「| - | 3 - |」
    cells = text.strip().split("|")
    if text.strip().startswith("|"):
        cells = cells[1:]
    if text.strip().endswith("|"):
        cells = cells[:-1]
    if len(cells[0]) > 60 and "。" in cells[0]:
        return [line]  # prose that happens to contain 「|」
    return [(where, "\t".join(_spanned(cells)) or "\t")]


def _spanned(cells: list[str]) -> list[str]:
    """A converter's pipe cells as the table's cells: line breaks 「<br>」 joined, placeholder headers 「Col2」
    dropped, and a merged label repeated in every column it spans (pymupdf4llm) kept once."""
    out: list[str] = []
    for raw in cells:
        cell = BREAK.sub("", raw).strip()
        if PLACEHOLDER_HEADER.fullmatch(cell):
            continue
        if out and cell and cell == out[-1] and not is_numeric(cell):
            continue
        out.append(cell)
    return out


def _headings(line: Line) -> list[Line]:
    """A line holding an official section heading and more text is cut before and after the heading, unless
    what follows is only a note in brackets (「三、收到和处理政府信息公开申请情况（数据填报）」)."""
    where, text = line
    if "\t" in text:
        return [line]
    parts, pos = [], 0
    for match in HEADING_ANYWHERE.finditer(text):
        if match.start() and not AFTER_HEADING_START.match(text[match.start() - 1]):
            continue  # inside a sentence
        rest = text[match.end() :]
        end = len(text) if ANNOTATION.match(rest) and not is_label(rest) else match.end()
        before = text[pos : match.start()]
        parts += ["" if NOISE.fullmatch(before) else before, text[match.start() : end]]
        pos = end
    if not parts:
        return [line]
    parts.append(text[pos:])
    return [(where, part.strip()) for part in parts if part.strip()]


def table_zone(texts: list[str]) -> tuple[int, int]:
    """Indices [start, end) of the lines that hold the tables of 二, 三 and 四."""
    start = next(
        (i for i, t in enumerate(texts) if any(m in keyform(t) for m in ZONE_START) or CAPTION.search(keyform(t))), None
    )
    if start is None:
        return 0, 0
    for index in range(start + 1, len(texts)):
        text = texts[index].strip()
        if (
            NUMERAL_HEADING.match(text)
            and len(text) <= 40
            and not is_label(text)
            and any(word in text for word in LATE_WORDS)
        ):
            return start, index
    return start, len(texts)


def _is_values(text: str) -> bool:
    tokens = text.split()
    return bool(tokens) and all(is_numeric(token) for token in tokens)


def split_table_line(text: str) -> list[str] | None:
    """A line of table text as rows (tab-separated: label, then its cells); None when it is not table text."""
    if is_label(text):
        return None
    pieces: list[tuple[str, str]] = []  # (kind, text): label | values | other
    pos = 0
    for match in label_regex().finditer(text):
        if match.start() > pos:
            pieces.append(_piece(text[pos : match.start()]))
        pieces.append(("label", match.group(0)))
        pos = match.end()
    if pos < len(text):
        pieces.append(_piece(text[pos:]))
    pieces = [p for p in pieces if p[1].strip() and not (p[0] == "other" and len(keyform(p[1])) <= 1)]
    labels = [i for i, (kind, _) in enumerate(pieces) if kind == "label"]
    if not labels:
        return _numbers_row(text)
    with_values = any(i + 1 < len(pieces) and pieces[i + 1][0] == "values" for i in labels)
    middle = pieces[labels[0] : labels[-1] + 1]
    others = [t for kind, t in middle if kind == "other"]
    if with_values:
        if any(len(keyform(t)) > SHORT and not ANNOTATION.match(t) for t in others):
            return _numbers_row(text)
    elif any(kind != "label" and not ANNOTATION.match(t) for kind, t in pieces):
        return _numbers_row(text)  # only a line of labels (a header) is cut without numbers
    rows: list[list[str]] = []
    for kind, piece in pieces:
        if kind == "values" and rows and rows[-1][0] and len(rows[-1]) == 1:
            rows[-1] += piece.split()
        elif kind == "values":
            rows.append(["", *piece.split()])
        elif kind == "other" and ANNOTATION.match(piece) and rows and len(rows[-1]) == 1:
            rows[-1][0] += piece.strip()
        else:
            rows.append([piece.strip()])
    return ["\t".join(row) for row in rows]


def _piece(text: str) -> tuple[str, str]:
    """Text between labels: numbers, the first part of a label a narrow cell wrapped, or something else."""
    if _is_values(text):
        return "values", text
    return ("label" if len(keyform(text)) >= SHORT and is_label_start(keyform(text)) else "other"), text


def _numbers_row(text: str) -> list[str] | None:
    """「已获取信息 0 0 0 0 0 0 0」 (a label's last line) and 「10 1 0 0 …」: the text, then its cells."""
    tokens = text.split()
    n = len(tokens)
    while n and is_numeric(tokens[n - 1]):
        n -= 1
    if n == len(tokens) or len(tokens) == 1:
        return None  # no number, or one number alone on its line (one cell per line)
    head = " ".join(tokens[:n])
    if len(compact(head)) > 40 or "。" in head:
        return None
    return ["\t".join([head, *tokens[n:]])]
