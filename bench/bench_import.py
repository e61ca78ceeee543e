"""Import speed: published reports (seed .txt, our own .docx/.html/.pdf) into data, per file, warm.

Run: .venv/bin/python bench/bench_import.py   (prints figures; asserts nothing)
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.inputs import load_report  # noqa: E402
from generator.inputs.importer import import_report  # noqa: E402
from generator.render import render  # noqa: E402


def per_file(path: Path, runs: int = 20) -> float:
    import_report(path)
    start = time.perf_counter()
    for _ in range(runs):
        import_report(path)
    return (time.perf_counter() - start) / runs


def main() -> None:
    for seed in sorted((ROOT / "tests" / "seeds").glob("*.txt")):
        print(f"seed {seed.name[:3]} .txt : {per_file(seed) * 1000:6.1f} ms")
    report = load_report(ROOT / "examples" / "青石街道-2025.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        for target in ("docx", "html", "pdf"):
            path = Path(tmp) / f"report.{target}"
            path.write_bytes(render(report, target))
            print(f"own .{target:4s}     : {per_file(path, 10) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
