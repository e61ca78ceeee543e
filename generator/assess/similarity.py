"""雷同 across units: the same prose in one section of two units' reports.

``similar_prose`` compares each section's prose of every pair of units of a run; ``common_prose`` names
the sentences it leaves out because most units share them; ``similarity_findings`` turns the pairs into
reminders (rule L-1) for both units and ``similarity_rows`` into rows for the workbook and the review page.
A batch worker can prepare each unit's prose beside its report (``text.unit_prose``, JSON-friendly).

How a pair is measured: each unit's section is split into sentences and normalised (``text.normalise``:
its own names, 本镇/我乡-type self-references, numbers and dates, punctuation and spaces taken out).
Sentences found in most units of the run — the province's boilerplate 「根据《中华人民共和国政府信息公开
条例》…现将…年度报告如下」 — are dropped (``common_prose``). What is left is cut into 4-character
shingles; the ratio of a pair is the share of the shorter section's distinct shingles that also occur in
the other section. A section with fewer than ``MIN_CHARS`` characters left is not compared.

Speed: candidates come from an inverted index with prefix filtering (the rarest shingles of each section
are probed; a pair at or above the threshold must share enough of them), so 1,000 units do not mean
500,000 exact comparisons per section. The filter is exact for this ratio: no pair above the threshold
is missed. Shingles are kept as vocabulary ids in compact arrays (memory).
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from ..findings import WARNING, Finding
from ..formats import HEADINGS
from ..report import Report
from .text import NAME_MARK, NUMBER_MARK, Sentence, UnitProse, normalise, prose_path, shingles, unit_prose

RULE = "L-1"
MIN_CHARS = 60  # normalised characters a section needs (after boilerplate) to be compared: a one-line
# formula such as 「本年度未收取信息处理费，无其他需要报告的事项」 shared by a few units is not 雷同
COMMON_SHARE = 0.5  # a sentence in more than this share of the units with the section is boilerplate…
COMMON_MIN = 4  # …and in at least this many units (three copies in a small run stay 雷同)
SAMPLE_CHARS = 40
PROBE_HITS = 0.05  # share of a section's shingles a candidate must hit in its probe (see _pairs)
CLAUSE_END = re.compile(r"[，,、：:；;。！？!?]")


@dataclass(frozen=True)
class SimilarProse:
    """Two units whose prose in one section is largely the same."""

    section: str  # the section heading as printed, e.g. "一、总体情况"
    first: str  # unit full name (the one given first in the run)
    second: str
    ratio: float  # 0..1: share of the shorter section's 4-character runs found in the other (see module doc)
    sample: str  # a shared clause in the first unit's wording, to search for in both reports ("" if none)
    ignored: int = 0  # boilerplate sentences of this section left out of the comparison (common to most units)
    identical: int = 0  # units whose section is word for word this one once names and numbers are normalised
    # out (``first`` is the first of them; each of the others is paired with it only); 0: only similar


@dataclass
class _Section:
    """One unit's prose in one section: its sentences, original and normalised."""

    unit: int  # position in the run
    prose: UnitProse
    sentences: tuple[Sentence, ...]
    kept: list[Sentence] = field(default_factory=list)  # the sentences that are not boilerplate
    text: str = ""  # the normalised kept sentences, joined
    tokens: array[int] = field(default_factory=lambda: array("i"))  # its distinct shingles, as vocabulary ids
    _clauses: list[Sentence] | None = None
    _clause_set: frozenset[str] | None = None

    def clauses(self) -> list[Sentence]:
        """The clauses of the kept sentences, original and normalised, best samples first: those without
        names or numbers, then the longer (made once)."""
        if self._clauses is None:
            originals = (c for original, _ in self.kept for c in CLAUSE_END.split(original) if c.strip())
            clauses = [(c, n) for c in originals if (n := normalise(c, self.prose.names))]
            self._clauses = sorted(clauses, key=lambda s: (NAME_MARK in s[1] or NUMBER_MARK in s[1], -len(s[1])))
        return self._clauses

    def clause_set(self) -> frozenset[str]:
        """The normalised clauses, for a quick look-up."""
        if self._clause_set is None:
            self._clause_set = frozenset(n for _, n in self.clauses())
        return self._clause_set


Units = Sequence[tuple[str, Report] | UnitProse]


def similar_prose(units: Units, *, threshold: float = 0.8, common_share: float = COMMON_SHARE) -> list[SimilarProse]:
    """Every pair of units whose prose in a section is at least ``threshold`` the same (see module doc).

    ``units``: (unit full name, report) in the order of the run, or their ``unit_prose`` (made by the
    workers). Pairs come in section order, then in the order of their units in the run. Two entries with
    the same name are one unit filed twice (the batch reports that): they are not compared.

    Units whose section is word for word the same once normalised form a group: each is paired with the
    group's first unit only (``identical`` says how many), and a unit similar to the group is paired with
    that first unit — k copies give k − 1 pairs, never k².
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    pairs: list[SimilarProse] = []
    for section, docs in _sections(units).items():
        common = _common(docs, common_share)
        groups = _identical(_prepare(docs, common))
        for group in groups:  # the same text: each unit paired with the first, never k² pairs
            sample = _sample(group[0], group[1]) if len(group) > 1 else ""
            size = len({doc.prose.name for doc in group})
            for member in group[1:]:
                pairs += _pair(section, group[0], member, 1.0, sample, len(common), size)
        for a, b, ratio in _pairs([group[0] for group in groups], threshold):
            first, second = (a, b) if a.unit < b.unit else (b, a)
            pairs += _pair(section, first, second, ratio, _sample(first, second), len(common), 0)
    order = {heading: i for i, heading in enumerate(HEADINGS)}
    position: dict[str, int] = {}
    for i, unit in enumerate(units):
        position.setdefault(unit.name if isinstance(unit, UnitProse) else unit[0], i)
    pairs.sort(key=lambda p: (order.get(p.section, len(order)), position[p.first], position[p.second]))
    return pairs


def _pair(
    section: str, first: _Section, second: _Section, ratio: float, sample: str, ignored: int, identical: int
) -> list[SimilarProse]:
    """The pair, or nothing when both are the same unit (one name filed twice)."""
    if first.prose.name == second.prose.name:
        return []
    return [SimilarProse(section, first.prose.name, second.prose.name, ratio, sample, ignored, identical)]


def common_prose(units: Units, *, common_share: float = COMMON_SHARE) -> dict[str, tuple[str, ...]]:
    """Per section, the boilerplate sentences ``similar_prose`` leaves out, in the wording of the first unit
    that has them (to show the reviewer what was not counted as 雷同)."""
    out: dict[str, tuple[str, ...]] = {}
    for section, docs in _sections(units).items():
        common = _common(docs, common_share)
        wording: dict[str, str] = {}
        for doc in docs:
            for orig, norm in doc.sentences:
                if norm in common:
                    wording.setdefault(norm, orig)
        if wording:
            out[section] = tuple(wording.values())
    return out


SIMILARITY_HEADER = ("部分", "单位", "雷同单位", "相同比例", "相同的文字（举例）", "说明")


def similarity_rows(pairs: Sequence[SimilarProse]) -> list[tuple[str, str, str, str, str, str]]:
    """Presentation-neutral rows for the workbook and the review page (see ``SIMILARITY_HEADER``)."""
    return [(p.section, p.first, p.second, f"{p.ratio:.0%}", p.sample, _group_note(p)) for p in pairs]


def _group_note(pair: SimilarProse) -> str:
    if pair.identical > 2:
        return f"共 {pair.identical} 个单位的这一部分一字不差（各自只与 {pair.first} 列为一对）"
    return ""


def similarity_findings(pairs: Sequence[SimilarProse]) -> dict[str, list[Finding]]:
    """Reminders (L-1) per unit name: one per section, naming every unit it shares that section with."""
    by_place: dict[tuple[str, str], list[tuple[str, SimilarProse]]] = defaultdict(list)
    for pair in pairs:
        by_place[(pair.first, pair.section)].append((pair.second, pair))
        by_place[(pair.second, pair.section)].append((pair.first, pair))
    out: dict[str, list[Finding]] = defaultdict(list)
    for (unit, section), others in by_place.items():
        others.sort(key=lambda o: -o[1].ratio)
        out[unit].append(_finding(section, others))
    return dict(out)


def _finding(section: str, others: list[tuple[str, SimilarProse]]) -> Finding:
    """「与 西山乡人民政府（92%）的同一部分相同，如「…」。评估时会按雷同扣分…」 for one unit and section."""
    shown = "、".join(f"{name}（{pair.ratio:.0%}）" for name, pair in others[:3])
    more = f"等 {len(others)} 个单位" if len(others) > 3 else ""
    top = others[0][1]
    sample = f"，如「{top.sample}」" if top.sample else ""
    group = max(pair.identical for _, pair in others)
    together = f"；共有 {group} 个单位的这一部分去掉单位名称和数字后一字不差" if group > 2 else ""
    ignored = f"（多数单位共用的 {top.ignored} 句套话已不计）" if top.ignored else ""
    return Finding(
        RULE,
        WARNING,
        section,
        f"与 {shown}{more}的同一部分相同{sample}{together}。评估时会按雷同扣分，请按本单位的实际情况改写{ignored}。",
        path=prose_path(section),
        operands={"相同单位": {name: round(pair.ratio, 2) for name, pair in others}},
    )


def _sections(units: Units) -> dict[str, list[_Section]]:
    """Per section heading, every unit's sentences in it."""
    out: dict[str, list[_Section]] = defaultdict(list)
    for index, unit in enumerate(units):
        prose = unit if isinstance(unit, UnitProse) else unit_prose(*unit)
        for section, sentences in prose.sections.items():
            out[section].append(_Section(index, prose, sentences))
    return out


def _common(docs: list[_Section], share: float) -> set[str]:
    """Normalised sentences in more than ``share`` of the units (and at least COMMON_MIN): boilerplate."""
    counts = Counter(norm for doc in docs for norm in {n for _, n in doc.sentences})
    floor = max(COMMON_MIN, math.floor(share * len(docs)) + 1)
    return {norm for norm, count in counts.items() if count >= floor}


def _prepare(docs: list[_Section], common: set[str]) -> list[_Section]:
    """The sections long enough to compare once boilerplate is left out, with their shingles as ids (a
    compact array per section: 4 bytes a shingle instead of a string in a set)."""
    vocabulary: dict[str, int] = {}
    out = []
    for doc in docs:
        doc.kept = [(o, n) for o, n in doc.sentences if n not in common]
        doc.text = "".join(n for _, n in doc.kept)
        if len(doc.text) >= MIN_CHARS:
            doc.tokens = array("i", (vocabulary.setdefault(t, len(vocabulary)) for t in shingles(doc.text)))
            out.append(doc)
    return out


def _identical(docs: list[_Section]) -> list[list[_Section]]:
    """The sections grouped by their normalised text (word for word the same), in the order of the run."""
    groups: dict[str, list[_Section]] = {}
    for doc in docs:
        groups.setdefault(doc.text, []).append(doc)
    return list(groups.values())


def _pairs(docs: list[_Section], threshold: float) -> list[tuple[_Section, _Section, float]]:
    """Pairs at or above ``threshold``: prefix filtering on the rarest shingles, then the exact ratio.

    Sections are taken longest first; each probes the index of the longer ones seen before with its
    ``size - needed + hits`` rarest shingles, where ``needed = ceil(threshold * size)``: a longer section
    sharing ``needed`` shingles shares at least ``hits`` of those (of any that many), so fewer hits rule a
    pair out exactly; the rarest are probed because their posting lists are short.
    """
    frequency = Counter(chain.from_iterable(doc.tokens for doc in docs))
    index: dict[int, list[int]] = defaultdict(list)
    found = []
    ordered = sorted(docs, key=lambda d: -len(d.tokens))
    for position, doc in enumerate(ordered):
        size = len(doc.tokens)
        hits = max(1, math.ceil(PROBE_HITS * size))
        probe = sorted(doc.tokens, key=frequency.__getitem__)[: size - math.ceil(threshold * size) + hits]
        counts = Counter(chain.from_iterable(index[token] for token in probe if token in index))
        own = set(doc.tokens)
        for other, count in counts.items():
            if count >= hits:
                ratio = len(own.intersection(ordered[other].tokens)) / size
                if ratio >= threshold:
                    found.append((doc, ordered[other], ratio))
        for token in doc.tokens:
            index[token].append(position)
    return found


def _sample(first: _Section, second: _Section) -> str:
    """The longest clause of ``first`` that ``second`` has too, preferring one without names or numbers
    (so the reviewer finds it verbatim in both reports). A clause ``second`` has as a clause of its own is
    looked up in a set; only when there is none is ``second``'s text searched."""
    own = second.clause_set()
    ranked = first.clauses()
    best = next((c for c, n in ranked if n in own), None) or next((c for c, n in ranked if n in second.text), "")
    best = best.strip()
    return best if len(best) <= SAMPLE_CHARS else best[: SAMPLE_CHARS - 1] + "…"
