"""Is every example's PDF still the same? Checks that a speed change did not change the output.

  .venv/bin/python bench/pdf_sameness.py --save DIR     write the PDFs of this checkout to DIR (before a change)
  .venv/bin/python bench/pdf_sameness.py --against DIR  make them again and compare with DIR (after it)

Each example is made as a report and as a draft (--ignore-errors). A PDF that is not byte-identical is
compared as a reader sees it: page count, `pdftotext -layout` text, and every page drawn by `pdftoppm -r 60`,
pixel by pixel. Prints one line per PDF; exit code 1 if any differs (0 when all are the same).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.inputs import load_report
from generator.render import render


def pdfs() -> dict[str, bytes]:
    made = {}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        report = load_report(path)
        made[f"{path.stem}.pdf"] = render(report, "pdf")
        made[f"{path.stem}-草稿.pdf"] = render(report, "pdf", draft=True)
    return made


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def pages(pdf: Path, folder: Path) -> list[bytes]:
    """Every page as a 60 dpi grey image (PGM: header and pixels, compared as bytes)."""
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", "60", "-gray", str(pdf), str(prefix)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{pdf.stem}-*.pgm"))]


def differences(before: Path, after: Path) -> str:
    """How the two PDFs differ for a reader ("" when they look the same)."""
    if before.read_bytes() == after.read_bytes():
        return ""
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        old, new = pages(before, Path(a)), pages(after, Path(b))
    if len(old) != len(new):
        return f"{len(old)} pages before, {len(new)} after"
    if text(before) != text(after):
        return "the text differs (pdftotext -layout)"
    changed = [str(n) for n, (x, y) in enumerate(zip(old, new), 1) if x != y]
    return f"pages {', '.join(changed)} differ pixel by pixel" if changed else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--against", type=Path)
    args = parser.parse_args()
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, data in pdfs().items():
            (args.save / name).write_bytes(data)
        print(f"saved to {args.save}")
        return 0
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        for name, data in pdfs().items():
            after = Path(folder, name)
            after.write_bytes(data)
            before = args.against / name
            if not before.exists():
                print(f"{name}: not in {args.against}")
                failed += 1
                continue
            same = before.read_bytes() == data
            found = differences(before, after)
            failed += bool(found)
            print(f"{name}: {'byte-identical' if same else found or 'same pages, text and pixels (bytes differ)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
