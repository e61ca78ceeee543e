"""The structure of a published report: title, opening paragraph, the six sections, 落款.

Headings are recognised by their numbering (「一、」「1、」) and their words, and placed with the
help of the tables: the heading of 二 is the last heading before the first 「第二十条」 block, and
so on. This copes with real reports that reuse 「一、」 inside a section or number 一…四 and then
start again at 二 (seeds 000 and 003).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...formats import FORMATS, HEADINGS, REVIEW
from .agency import CHROME, MENU
from .furniture import is_page_number, without_page_number
from .items import Item, compact, keyform
from .tables import is_caption, is_label, is_label_start

NUMERALS = "一二三四五六七八九十"
HEADING = re.compile(r"^(?P<num>[一二三四五六七八九十]{1,2}|\d{1,2})\s*[、.．,，]\s*(?P<title>\S.*)$")
SECTION_WORDS = (
    ("总体情况", "概述", "总体", "概况", "基本情况"),
    ("主动公开",),
    ("申请",),
    ("复议", "诉讼"),
    ("问题", "改进", "不足"),
    ("其他", "其它"),
)
TITLE_WORDS = re.compile(r"报告[】」』”\])）]*$")
BRACKETS = "【】「」『』“”[]()（）"
DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
SIGNATURE = re.compile(r"(政府|办事处|委员会|办公室|局|厅|镇|乡|街道)$")


@dataclass
class Candidate:
    index: int
    number: int
    text: str
    item: Item


@dataclass
class Structure:
    title: str = ""
    title_end: int = 0  # index of the first item after the title
    headings: list[int | None] = field(default_factory=lambda: [None] * 6)  # item index per section
    anchors: dict[str, int] = field(default_factory=dict)  # table key -> index of its first cell
    candidates: list[Candidate] = field(default_factory=list)
    extras: list[int] = field(default_factory=list)  # local sections between the tables (「五、收费情况」)

    def bounds(self) -> list[int]:
        """Every index where a part of the report starts: headings, tables, local sections."""
        return [i for i in self.headings if i is not None] + list(self.anchors.values()) + self.extras

    def heading_text(self, items: list[Item], k: int) -> str | None:
        index = self.headings[k]
        return None if index is None else items[index].text.strip()

    def end_of(self, k: int, items: list[Item]) -> int:
        """Index where section k's own text ends (next heading or table, whichever comes first)."""
        heading = self.headings[k]
        start = -1 if heading is None else heading
        return min([i for i in self.bounds() if i > start], default=len(items))


def numeral(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 2:
        return 10 + NUMERALS.index(text[1]) if text[0] == "十" else 0
    return NUMERALS.index(text) + 1


def candidates(items: list[Item]) -> list[Candidate]:
    """Short numbered lines that could be section headings (table row labels excluded)."""
    out = []
    for index, item in enumerate(items):
        text = item.text.strip()
        match = None if item.cell else HEADING.match(text)
        if not match:
            continue
        title = match["title"].strip()
        key = keyform(text)
        if len(title) > 40 or "。" in title.rstrip("。") or is_label(text) or (len(key) >= 6 and is_label_start(key)):
            continue
        if match["num"].isdigit() and not any(h.split("、")[1][:4] in title for h in HEADINGS):
            continue
        number = numeral(match["num"])
        if _inside_table(items, index) and not (0 < number <= 6 and any(w in title for w in SECTION_WORDS[number - 1])):
            continue  # 「三、本法提供」: a rotated header run into a row label, between the table's rows
        out.append(Candidate(index, number, text, item))
    return out


def _inside_table(items: list[Item], index: int) -> bool:
    """Whether the next text after ``index`` is an official row label of a table (its heading is no section)."""
    following = next((item.text for item in items[index + 1 : index + 4] if item.text.strip()), "")
    return is_label(following)


def find_anchors(items: list[Item]) -> dict[str, int]:
    new_row = keyform(FORMATS["2021"].requests.rows[0].label)
    anchors: dict[str, int] = {}
    for index, item in enumerate(items):
        key = keyform(item.text)
        if "active" not in anchors and is_caption(key):
            anchors["active"] = index
        elif "requests" not in anchors and ("勾稽关系" in key or key == new_row):
            anchors["requests"] = index
    # Table 四 is found on its own: a missing or unreadable table 三 does not hide it.
    after = anchors.get("requests", anchors.get("active", -1))
    appeals = next((i for i, item in enumerate(items) if i > after and keyform(item.text) == REVIEW), None)
    if appeals is not None:
        anchors["appeals"] = appeals
    return anchors


def find_structure(items: list[Item]) -> Structure:
    structure = Structure(candidates=candidates(items), anchors=find_anchors(items))
    structure.title, structure.title_end = find_title(items, structure.candidates)
    anchors = [
        None,
        structure.anchors.get("active"),
        structure.anchors.get("requests"),
        structure.anchors.get("appeals"),
        None,
        None,
    ]
    previous = structure.title_end - 1
    for k in range(6):
        anchor = anchors[k]
        later = [a for a in anchors[k + 1 :] if a is not None and a > previous]
        limit = anchor if anchor is not None else min(later, default=len(items))
        window = [
            c for c in structure.candidates if previous < c.index < limit and any(w in c.text for w in SECTION_WORDS[k])
        ]
        if window:
            chosen = window[-1] if anchor is not None else window[0]
            structure.headings[k] = previous = chosen.index
        elif anchor is not None:
            previous = anchor
    structure.extras = _local_sections(structure)
    return structure


def _local_sections(structure: Structure) -> list[int]:
    """Numbered sections of the report's own between the tables (「五、政府信息公开收费情况」 before 六、…)."""
    starts = [i for i in [structure.headings[1], *structure.anchors.values()] if i is not None]
    if not starts:
        return []
    ends = [i for i in structure.headings[4:] if i is not None]
    first, last = min(starts), min(ends, default=None)
    chosen = set(structure.headings)
    numbers = {c.index: c.number for c in structure.candidates}
    return [
        c.index
        for c in structure.candidates
        if c.index > first
        and (last is None or c.index < last)
        and c.index not in chosen
        and c.text[0] in NUMERALS
        and c.number > _number_before(structure, numbers, c.index)
    ]


def _number_before(structure: Structure, numbers: dict[int, int], index: int) -> int:
    """The number of the last official heading before ``index``: a local section numbers on from it, so
    「三、本法提供」 inside section 三 (a rotated header run into a row label) is no section."""
    before = [(i, k) for k, i in enumerate(structure.headings) if i is not None and i < index]
    if not before:
        return 0
    i, k = max(before)
    return numbers.get(i, k + 1)


def find_title(items: list[Item], found: list[Candidate]) -> tuple[str, int]:
    """The title, often split over lines (「××镇人民政府」「2020年…年度报告」), and where it ends."""
    first_heading = found[0].index if found else len(items)
    parts: list[str] = []
    for index, item in enumerate(items[: min(first_heading, 6)]):
        text = compact(without_page_number(item.text))
        if not text or is_page_number(text):
            continue
        if len(text) > 60:
            break
        if CHROME.search(text) or MENU.search(text):  # the page around the report: never part of the title
            text, parts = CHROME.sub("", text), []
            if not TITLE_WORDS.search(text):
                continue
        parts.append(text.strip(BRACKETS))
        if TITLE_WORDS.search(text):
            return re.sub(r"^附件\d*[:：]", "", "".join(parts)), index + 1
    return "", 0


def section_items(items: list[Item], structure: Structure, k: int) -> list[Item]:
    """The paragraphs of section k (table cells left out); empty when the heading is missing."""
    start = structure.headings[k]
    if start is None:
        return []
    return [item for item in items[start + 1 : structure.end_of(k, items)] if not item.cell]


def opening_items(items: list[Item], structure: Structure) -> list[Item]:
    end = min(structure.bounds(), default=len(items))
    return [item for item in items[structure.title_end : end] if not item.cell]


def split_signature(paragraphs: list[Item]) -> tuple[list[Item], str, tuple[int, int, int] | None]:
    """Separate the 落款 (agency line and date) from the end of section 六."""
    body = list(paragraphs)
    while body and is_page_number(body[-1].text):
        body.pop()
    date: tuple[int, int, int] | None = None
    signer = None
    if body and (match := DATE.match(compact(body[-1].text))):
        year, month, day = (int(g) for g in match.groups())
        date = (year, month, day)
        body.pop()
    if (
        body
        and len(compact(body[-1].text)) <= 30
        and SIGNATURE.search(compact(body[-1].text))
        and "。" not in body[-1].text
    ):
        signer = compact(body.pop().text)
    return body, signer or "", date
