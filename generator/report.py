"""The report data every input produces and every renderer consumes, with its derived totals.

A ``Report`` is immutable: every input fills a ``ReportBuilder`` and calls ``build()`` once, which
computes the derived totals. Numbers that were read are in ``numbers``; cells that were not read —
typed as something that is no number, or never found in an imported report — are in ``unread`` (with
what was typed, or None), never in ``numbers``. ``number(path)`` is None for them, so no rule treats
an unread cell as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .findings import Finding
from .formats import HEADINGS, OVERVIEW_PARTS, TOWNSHIP_LEVELS, Format

Number = int | Decimal

AGENCY_FIELDS = {
    "name": "机关名称",
    "short_name": "自称（如 我镇）",
    "level": "机关层级（乡/镇/街道/县/部门…）",
    "parent": "上级政府",
    "website": "网站名称",
    "url": "网址",
    "office": "联系部门（如 党政办）",
    "address": "地址",
    "postcode": "邮编",
    "phone": "电话",
    "email": "电子邮箱",
}

PROSE_FIELDS = {  # prose keys of the data file -> where the text stands in the report
    "overview.intro": f"{HEADINGS[0]} · 开头段落",
    **{f"overview.{key}": f"{HEADINGS[0]} · {title}" for key, title in OVERVIEW_PARTS},
    "problems": HEADINGS[4],
    "other": HEADINGS[5],
}


@dataclass(frozen=True)
class Agency:
    name: str = ""
    short_name: str = ""
    level: str = ""
    parent: str = ""
    website: str = ""
    url: str = ""
    office: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""

    @property
    def is_township(self) -> bool:
        return self.level in TOWNSHIP_LEVELS or (
            not self.level and self.name.endswith(("乡人民政府", "镇人民政府", "街道办事处"))
        )

    @property
    def self_reference(self) -> str:
        """How the report refers to the agency: the short name (我镇) or the full name."""
        return self.short_name or self.name


@dataclass(frozen=True)
class Fees:
    """信息处理费 (国办函〔2020〕109号): None means the data does not say."""

    collected: bool | None = None
    amount: Decimal | None = None  # 元
    cases: int | None = None


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Report:
    """One year's report of one agency. Build it with ``ReportBuilder``; change it with ``evolve``."""

    year: int
    format: Format
    agency: Agency = field(default_factory=Agency)
    publication_date: date | None = None
    prose: Mapping[str, str] = field(default_factory=dict)
    fees: Fees = field(default_factory=Fees)
    numbers: Mapping[str, Number] = field(default_factory=dict)  # input cells that were read
    unread: Mapping[str, Any] = field(default_factory=dict)  # input cells not read -> what was typed (None: nothing)
    typed_totals: Mapping[str, Number] = field(default_factory=dict)  # totals the input stated (checked, not trusted)
    places: Mapping[str, str] = field(default_factory=dict)  # path -> where it was typed (sheet, cell…)
    read_findings: tuple[Finding, ...] = ()  # raised while reading the input
    declared_format: str | None = None  # format the input asked for, if it named one
    headings: tuple[str, ...] | None = None  # headings found in an imported report (None: generated)
    totals: Mapping[str, Number | None] = field(init=False)  # every derived cell (None: a part is unread)

    def __post_init__(self) -> None:
        for name in ("prose", "numbers", "unread", "typed_totals", "places"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "read_findings", tuple(self.read_findings))
        object.__setattr__(self, "totals", _frozen(self.format.derive(self.numbers, self.unread)))

    def number(self, path: str) -> Number | None:
        """An input number or a derived total; None when it (or a part of it) was not read."""
        if path in self.totals:
            return self.totals[path]
        return self.numbers.get(path)

    def where(self, path: str) -> str:
        return self.places.get(path) or self.format.describe(path)

    def text(self, key: str) -> str:
        return (self.prose.get(key) or "").strip()

    def evolve(self, **changes) -> Report:
        """A copy with some fields changed (totals are derived again)."""
        return replace(self, **changes)

    # Frequently used figures (for prose and the checker).
    def requests_total(self, row: str) -> Number | None:
        return self.number(f"requests.{row}.total")

    def appeals_total(self, row: str) -> Number | None:
        return self.number(f"appeals.{row}.total")


@dataclass
class ReportBuilder:
    """The mutable side of a Report while an input is read; ``build()`` freezes it.

    ``numbers`` (and ``typed_totals``, for a printed total) may hold None for a cell that was not read:
    ``build()`` moves it to ``unread``.
    Input cells absent from both are 0 when ``absent_is_zero`` (data file, forms, wizard) and not
    read otherwise (an imported report, where absent means the cell was never found).
    """

    year: int
    format: Format
    agency: Agency = field(default_factory=Agency)
    publication_date: date | None = None
    prose: dict[str, str] = field(default_factory=dict)
    fees: Fees = field(default_factory=Fees)
    numbers: dict[str, Number | None] = field(default_factory=dict)
    unread: dict[str, Any] = field(default_factory=dict)
    typed_totals: dict[str, Number | None] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    read_findings: list[Finding] = field(default_factory=list)
    declared_format: str | None = None
    headings: tuple[str, ...] | None = None
    absent_is_zero: bool = True

    def build(self) -> Report:
        numbers = {p: v for p, v in self.numbers.items() if v is not None}
        unread = dict(self.unread)
        unread.update({p: None for p, v in self.numbers.items() if v is None and p not in unread})
        unread.update({p: None for p, v in self.typed_totals.items() if v is None and p not in unread})  # printed
        for path in self.format.input_paths:
            if path not in numbers and path not in unread:
                if self.absent_is_zero:
                    numbers[path] = 0
                else:
                    unread[path] = None
        return Report(
            year=self.year,
            format=self.format,
            agency=self.agency,
            publication_date=self.publication_date,
            prose=self.prose,
            fees=self.fees,
            numbers=numbers,
            unread=unread,
            typed_totals={p: v for p, v in self.typed_totals.items() if v is not None},
            places=self.places,
            read_findings=tuple(self.read_findings),
            declared_format=self.declared_format,
            headings=self.headings,
        )

    @classmethod
    def from_report(cls, report: Report) -> ReportBuilder:
        """A builder holding everything of ``report`` (to derive a new report from it)."""
        return cls(
            year=report.year,
            format=report.format,
            agency=report.agency,
            publication_date=report.publication_date,
            prose=dict(report.prose),
            fees=report.fees,
            numbers=dict(report.numbers),
            unread=dict(report.unread),
            typed_totals=dict(report.typed_totals),
            places=dict(report.places),
            read_findings=list(report.read_findings),
            declared_format=report.declared_format,
            headings=report.headings,
        )
