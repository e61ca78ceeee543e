"""The report data every input produces and every renderer consumes, with its derived totals."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from .findings import Finding
from .formats import HEADINGS, OVERVIEW_PARTS, TOWNSHIP_LEVELS, Format, outcome_rows

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


@dataclass
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
        return self.level in TOWNSHIP_LEVELS or (not self.level and self.name.endswith(("乡人民政府", "镇人民政府", "街道办事处")))

    @property
    def self_reference(self) -> str:
        """How the report refers to the agency: the short name (我镇) or the full name."""
        return self.short_name or self.name


@dataclass
class Fees:
    """信息处理费 (国办函〔2020〕109号): None means the data does not say."""

    collected: bool | None = None
    amount: Decimal | None = None  # 元
    cases: int | None = None


@dataclass
class Report:
    year: int
    format: Format
    agency: Agency = field(default_factory=Agency)
    publication_date: date | None = None
    prose: dict[str, str] = field(default_factory=dict)
    fees: Fees = field(default_factory=Fees)
    numbers: dict[str, Number | None] = field(default_factory=dict)  # input paths; None = unreadable
    typed_totals: dict[str, Number | None] = field(default_factory=dict)  # totals the user typed
    unreadable: dict[str, object] = field(default_factory=dict)  # path -> what was typed, when it is no number
    places: dict[str, str] = field(default_factory=dict)  # path -> where it was typed (sheet, cell…)
    read_findings: list[Finding] = field(default_factory=list)  # raised while reading the input
    declared_format: str | None = None  # format the input asked for, if it named one
    headings: tuple[str, ...] | None = None  # headings found in an imported report (None: generated)

    def number(self, path: str) -> Number | None:
        """An input number (0 when absent) or a derived total; None if a part is unreadable."""
        if path in self.totals:
            return self.totals[path]
        return self.numbers.get(path, 0)

    def where(self, path: str) -> str:
        return self.places.get(path) or self.format.describe(path)

    def text(self, key: str) -> str:
        return (self.prose.get(key) or "").strip()

    @cached_property
    def totals(self) -> dict[str, Number | None]:
        """Every derived cell: the 总计 column and （七）总计 row of 三, the 总计 of each 四 group."""
        totals: dict[str, Number | None] = {}
        requests = self.format.requests
        parts = [c.key for c in requests.input_columns]
        outcomes = outcome_rows(requests)
        for col in parts:
            totals[f"requests.total_processed.{col}"] = _sum(self.numbers.get(f"requests.{r.key}.{col}", 0) for r in outcomes)
        for row in requests.rows:
            source = totals if row.derived else self.numbers
            totals[f"requests.{row.key}.total"] = _sum(source.get(f"requests.{row.key}.{c}", 0) for c in parts)
        appeals = self.format.appeals
        for row in appeals.rows:
            totals[f"appeals.{row.key}.total"] = _sum(
                self.numbers.get(f"appeals.{row.key}.{c.key}", 0) for c in appeals.input_columns)
        return totals

    def invalidate(self) -> None:
        """Forget cached totals after ``numbers`` changed."""
        self.__dict__.pop("totals", None)

    # Frequently used figures (for prose and the checker).
    def requests_total(self, row: str) -> Number | None:
        return self.number(f"requests.{row}.total")

    def appeals_total(self, row: str) -> Number | None:
        return self.number(f"appeals.{row}.total")


def _sum(values) -> Number | None:
    values = list(values)
    if any(v is None for v in values):
        return None
    return sum(values)
