"""The real published reports in ../shared/corpus and their hand-checked truth, as data-file paths.

Used by the corpus tests and by bench/bench_import.py (cells right / wrong / not read per file).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from generator.report import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SKIP_REASON = f"the real reports of ../shared/corpus are not here ({CORPUS})"

APPLICANTS = ("natural", "commercial", "research", "public_interest", "legal", "other_org", "total")
APPEAL_ROWS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
SECTION2 = {
    "规章": "rules",
    "行政规范性文件": "normative_docs",
    "行政许可": "licensing",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fees",
}
SECTION2_COLUMNS = {
    "本年制发件数": "issued",
    "本年废止件数": "repealed",
    "现行有效件数": "in_force",
    "本年处理决定数量": "decisions",
    "本年收费金额（单位：万元）": "amount",
}
ROW_KEYS = {"deny": "denied", "noproc": "not_processed"}


def truth_files() -> list[Path]:
    return sorted(CORPUS.glob("*.truth.json"))


def report_file(truth: Path) -> Path:
    stem = truth.name.removesuffix(".truth.json")
    return next(p for p in CORPUS.glob(f"{stem}.*") if not p.name.endswith(".truth.json"))


def truth_values(truth: Path) -> dict[str, Decimal | int | None]:
    """Every published number as path -> value (None: printed blank)."""
    data = json.loads(truth.read_text(encoding="utf-8"))
    if "section3" not in data:
        return {k: _number(v) for k, v in data.items()}
    values: dict[str, Decimal | int | None] = {}
    for block in data["section2"].values():
        for label, numbers in block["rows"].items():
            for column, value in zip(block["columns"], numbers, strict=True):
                values[f"active.{SECTION2[label]}.{SECTION2_COLUMNS[column]}"] = _number(value)
    for key, numbers in data["section3"]["rows"].items():
        head, _, n = key.partition("_")
        row = f"{ROW_KEYS.get(head, head)}_{n}" if n else key
        values.update({f"requests.{row}.{c}": _number(v) for c, v in zip(APPLICANTS, numbers, strict=True)})
    cells = [f"appeals.{r}.{c}" for r in APPEAL_ROWS for c in APPEAL_COLUMNS]
    values.update({path: _number(v) for path, v in zip(cells, data["section4"]["values"], strict=True)})
    return values


def _number(value):
    return None if value is None else Decimal(str(value)) if isinstance(value, float) else value


def read_value(report: Report, path: str):
    """What the import read for a published cell (None: not read). A single 2019-style （六） row printed in
    a 2021 table is compared with the sum of the three rows it was read into."""
    if path.startswith("requests.other.") and report.format.key == "2021":
        parts = [read_value(report, path.replace(".other.", f".other_{i}.")) for i in (1, 2, 3)]
        return None if None in parts else sum(parts)
    return report.typed_totals[path] if path in report.typed_totals else report.numbers.get(path)


def score(report: Report, truth: dict) -> dict[str, list[str]]:
    """Published cells sorted into right / wrong / not read (a number read where the truth is blank is wrong)."""
    out: dict[str, list[str]] = {"right": [], "wrong": [], "unread": []}
    for path, expected in truth.items():
        value = read_value(report, path)
        if value is None:
            out["right" if expected is None else "unread"].append(path)
        else:
            out["right" if expected is not None and Decimal(value) == Decimal(expected) else "wrong"].append(path)
    return out
