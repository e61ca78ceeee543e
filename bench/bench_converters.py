"""Import of converter output: cells right / wrong / not read per converter, against the exact truth.

Run ``bench/converters/make_corpus.py`` first (it writes out/converters/); then
``.venv/bin/python bench/bench_converters.py``. Prints figures; asserts nothing. Skips when the corpus
has not been made.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import score

from generator.checks import check
from generator.errors import NianbaoError
from generator.inputs.importer import import_report

OUT = ROOT / "out" / "converters"
ARITHMETIC = ("R3-1", "R3-2", "R3-3", "R4-1")


def truth_of(name: str) -> dict:
    data = json.loads((OUT / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    return {k: None if v is None else Decimal(v) for k, v in data.items()}


def as_txt(path: Path) -> Path:
    """Markdown output is imported as the text file a user would save it as."""
    if path.suffix == ".txt":
        return path
    target = OUT / "as-txt" / path.parent.name / (path.stem + ".txt")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def main(verbose: bool = False) -> None:
    if not (OUT / "truth").exists():
        print(f"（未找到 {OUT}，请先运行 bench/converters/make_corpus.py）")
        return
    for folder in sorted(p for p in OUT.iterdir() if p.is_dir() and p.name not in ("truth", "pdf", "as-txt")):
        total: Counter = Counter()
        for path in sorted(folder.iterdir()):
            truth = truth_of(path.stem)
            try:
                report = import_report(as_txt(path))
            except NianbaoError as exc:
                print(f"  {folder.name} {path.stem}: refused: {exc}")
                total["unread"] += len(truth)
                continue
            counts = score(report, truth)
            false = [f for f in check(report) if f.rule in ARITHMETIC and f.severity == "E"]
            false = [f for f in false if not path.stem.startswith(("own-错误", "hongze-district-2023"))]
            total.update({k: len(v) for k, v in counts.items()})
            total["arith"] += len(false)
            line = (f"  {folder.name:17s} {path.stem:24s} right {len(counts['right']):3d} wrong {len(counts['wrong']):2d}"
                    f" unread {len(counts['unread']):3d} arith-E {len(false)} agency {report.agency.name}")
            print(line)
            if verbose:
                for p in counts["wrong"]:
                    print("     wrong", p, "truth", truth[p])
                for p in counts["unread"][:40]:
                    print("     unread", p)
        print(f"{folder.name:17s} TOTAL right {total['right']} wrong {total['wrong']} unread {total['unread']}"
              f" false-arith {total['arith']}")


if __name__ == "__main__":
    main(verbose="-v" in sys.argv)
