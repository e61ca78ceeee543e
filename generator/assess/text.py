"""Prose made comparable across units: names, self-references, digits and punctuation normalised out.

Two units' texts must not look different because each names itself (东山镇 / 西山乡, 我镇 / 本乡) or
states its own dates and counts, nor alike because of them. ``normalise`` therefore replaces the unit's
own names and every self-reference by one mark, every number (Arabic or Chinese, dates included) by
another, and drops punctuation and spaces (full-width and half-width forms count as the same).
``sentences`` splits a text at sentence ends first, so a sentence can be recognised as boilerplate and
quoted as a sample in its original wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import prose
from ..formats import HEADINGS
from ..report import Report

NAME_MARK = "〔名〕"
NUMBER_MARK = "〔数〕"
SHINGLE = 4  # characters per shingle: a 4-character run is specific enough in Chinese prose
ORGAN_SUFFIXES = ("人民政府", "政府", "办事处")
PLACE_SUFFIXES = ("街道", "镇", "乡")

SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
SELF_REFERENCE = re.compile(r"[我本全该][镇乡局委办区县市]|[我本全该](街道|单位|部门|中心)")
NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[〇零一二三四五六七八九十百千万亿两]+")
NOT_TEXT = re.compile(r"[\W_]+")
HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)}  # full-width ASCII (０-９, Ａ-Ｚ, （）…) -> half width

# Which prose keys make up which printed section (the tables of 二、三、四 have no prose).
SECTION_OF_PREFIX = (("overview.", HEADINGS[0]), ("problems", HEADINGS[4]), ("other", HEADINGS[5]))


Sentence = tuple[str, str]  # (original wording, normalised)


@dataclass(frozen=True)
class UnitProse:
    """A unit's prose ready to compare: per section heading, its sentences, original and normalised.

    Small and JSON-friendly (``as_dict``/``from_dict``): a batch worker can make it beside the report and
    spool it, so the comparison across units needs no Report in memory.
    """

    name: str  # the unit's full name as the run knows it
    names: tuple[str, ...]  # the names it calls itself by, as normalised out (see own_names)
    sections: Mapping[str, tuple[Sentence, ...]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "names": list(self.names),
            "sections": {heading: [list(s) for s in sentences] for heading, sentences in self.sections.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnitProse:
        sections = {heading: tuple((o, n) for o, n in sentences) for heading, sentences in data["sections"].items()}
        return cls(data["name"], tuple(data["names"]), sections)


def unit_prose(name: str, report: Report) -> UnitProse:
    """The prose of ``report`` (of the unit called ``name`` in the run), split and normalised. Sentences the
    tool writes itself from the numbers (「…依法主动公开政府信息。」, the fee sentence, the opening) are
    left out even where a clerk kept them as prose: they are alike in every report by design."""
    names = own_names(report, name)
    tool = _tool_sentences(report)
    sections = {}
    for heading, text in section_texts(report).items():
        pairs = tuple((s, n) for s in sentences(text) if s not in tool and (n := normalise(s, names)))
        if pairs:
            sections[heading] = pairs
    return UnitProse(name, tuple(names), sections)


def _tool_sentences(report: Report) -> set[str]:
    generated = (
        prose.opening,
        prose.active_summary,
        prose.requests_summary,
        prose.appeals_summary,
        prose.fee_statement,
    )
    return {sentence for make in generated for sentence in sentences(make(report))}


def prose_path(heading: str) -> str:
    """The machine path of a section's prose: prose.overview, prose.problems, prose.other."""
    prefix = next(prefix for prefix, h in SECTION_OF_PREFIX if h == heading)
    return "prose." + prefix.rstrip(".")


def section_texts(report: Report) -> dict[str, str]:
    """The prose the unit wrote, per printed section heading (generated sentences are not prose it wrote)."""
    out: dict[str, list[str]] = {}
    for key in report.prose:
        text = report.text(key)
        section = next((heading for prefix, heading in SECTION_OF_PREFIX if key.startswith(prefix)), None)
        if text and section:
            out.setdefault(section, []).append(text)
    return {section: "\n".join(parts) for section, parts in out.items()}


def own_names(report: Report, name: str) -> list[str]:
    """The ways a unit names itself (without punctuation, longest first): full name, short name, the place name without
    人民政府/办事处 and without 镇/乡/街道."""
    names = {name, report.agency.name, report.agency.short_name}
    for full in list(names):
        for suffix in ORGAN_SUFFIXES:
            if full.endswith(suffix):
                names.add(full.removesuffix(suffix))
    for place in list(names):
        for suffix in PLACE_SUFFIXES:
            if place.endswith(suffix) and len(place) - len(suffix) >= 2:
                names.add(place.removesuffix(suffix))
    bare = {_bare(n) for n in names}
    return sorted((n for n in bare if len(n) >= 2), key=len, reverse=True)  # longest first


def sentences(text: str) -> list[str]:
    """The sentences of a text in their original wording (stripped, empty ones dropped)."""
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def normalise(sentence: str, names: Iterable[str]) -> str:
    """A sentence with punctuation and spaces dropped, full-width letters and digits made half width, and
    the unit's names, its self-references and every number replaced by a mark."""
    text = _bare(sentence)
    for name in names:  # as given by own_names: bare already
        text = text.replace(name, NAME_MARK)
    text = SELF_REFERENCE.sub(NAME_MARK, text)
    return NUMBER.sub(NUMBER_MARK, text)


def _bare(text: str) -> str:
    return NOT_TEXT.sub("", text.translate(HALF_WIDTH))


def shingles(text: str) -> set[str]:
    """The distinct runs of ``SHINGLE`` characters of a normalised text (the text itself when shorter)."""
    if len(text) <= SHINGLE:
        return {text} if text else set()
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}
