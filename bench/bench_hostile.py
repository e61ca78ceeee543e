"""Hostile inputs (issue 19): time and peak memory of the real command on files that used to hang or blow up.

- a 1,000-page PDF given to check and import (refused from its page count; target: < 10 s, < 500 MB);
- a 200-page PDF (the limit) given to check: every page is read;
- render of a report whose agency name has 100,000 characters (DOCX and HTML).

Each case runs ``python -m generator`` in a child process; the peak RSS is that child's (os.wait4).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青石街道-2025.yaml"


def pdf(path: Path, pages: int) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def measure(*args) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one run of the command."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "generator", *map(str, args)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        big, limit = pdf(tmp / "1000.pdf", 1000), pdf(tmp / "200.pdf", 200)
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["agency"]["name"] = "很长的机关名称" * 14_286
        long_name = tmp / "long.yaml"
        long_name.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        cases = {
            "check 1,000-page PDF": ("check", big),
            "import 1,000-page PDF": ("import", big, "-o", tmp / "a.yaml"),
            "check 200-page PDF (limit)": ("check", limit),
            "render docx,html, 100,000-char name": ("render", long_name, "-o", tmp / "out", "--to", "docx,html",
                                                     "--ignore-errors", "--force"),
        }
        print(f"{'case':40} {'time':>8} {'peak':>9} {'rc':>3}")
        for label, args in cases.items():
            seconds, peak, code = measure(*args)
            print(f"{label:40} {seconds:7.2f}s {peak:7.0f}MB {code:3}")
        print(f"load: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
