"""Converter corpus: the text that common PDF-to-text converters make of real and of our own reports.

Run (writes under out/converters/, never committed):

    python3 -m venv out/conv-venv
    out/conv-venv/bin/pip install pymupdf4llm 'markitdown[pdf]' pdfplumber
    .venv/bin/python bench/converters/make_corpus.py

The converters run in their own venv (``out/conv-venv``), not in the project's: they are what users
run before they hand us a file, not our dependencies. ``pdftotext`` (poppler-utils) runs in its three
modes. Inputs: the real PDFs of ../shared/corpus (truth in their .truth.json) and our own PDFs
rendered from ``examples/*.yaml`` (truth: the data itself, written next to the outputs as
``<name>.truth.json``). docling, marker and MinerU need models downloaded from a model hub at run
time and are skipped here.

Output: ``out/converters/<converter>/<report>.txt`` (or .md), plus ``out/converters/truth/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

OUT = ROOT / "out" / "converters"
VENV_PYTHON = ROOT / "out" / "conv-venv" / "bin" / "python"
SKIPPED = {
    "docling": "needs layout models from a model hub at run time",
    "marker": "needs layout/OCR models from a model hub at run time",
    "MinerU": "needs layout/OCR models from a model hub at run time",
}

# Each converter: (name, suffix, argv builder). Python converters run a one-liner in the converter venv.
PYTHON_CONVERTERS = {
    "pymupdf4llm": ("md", "import pymupdf4llm,sys; sys.stdout.write(pymupdf4llm.to_markdown(sys.argv[1]))"),
    "markitdown": (
        "md",
        "from markitdown import MarkItDown; import sys; sys.stdout.write(MarkItDown().convert(sys.argv[1]).text_content)",
    ),
    "pdfplumber": (
        "txt",
        "import pdfplumber,sys\nwith pdfplumber.open(sys.argv[1]) as pdf:\n"
        " sys.stdout.write('\\n\\f'.join((p.extract_text() or '') for p in pdf.pages))",
    ),
}
PDFTOTEXT_MODES = {"pdftotext-layout": ["-layout"], "pdftotext-raw": ["-raw"], "pdftotext": []}


def own_pdfs(folder: Path) -> list[Path]:
    """Our own PDFs of the examples, with the data they came from as truth (path -> value, None: unread)."""
    from corpus import read_value

    from generator.inputs import load_report
    from generator.render import render

    made = []
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        report = load_report(example)
        pdf = folder / f"own-{example.stem}.pdf"
        pdf.write_bytes(render(report, "pdf"))
        truth = {p: read_value(report, p) for p in report.format.input_paths}
        (OUT / "truth" / f"own-{example.stem}.json").write_text(
            json.dumps({k: None if v is None else str(v) for k, v in truth.items()}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        made.append(pdf)
    return made


def real_pdfs() -> list[Path]:
    from corpus import CORPUS, truth_values

    found = []
    for pdf in sorted(CORPUS.glob("*.pdf")):
        truth_file = pdf.with_name(pdf.stem + ".truth.json")
        if truth_file.exists():
            truth = truth_values(truth_file)
            (OUT / "truth" / f"{pdf.stem}.json").write_text(
                json.dumps({k: None if v is None else str(v) for k, v in truth.items()}, ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
            found.append(pdf)
    return found


def convert(pdf: Path) -> None:
    for name, (suffix, code) in PYTHON_CONVERTERS.items():
        if not VENV_PYTHON.exists():
            print(f"  {name}: skipped (no {VENV_PYTHON})")
            continue
        done = subprocess.run([str(VENV_PYTHON), "-c", code, str(pdf)], capture_output=True, text=True)
        write(name, pdf, suffix, done.stdout, done.stderr if done.returncode else "")
    if shutil.which("pdftotext"):
        for name, flags in PDFTOTEXT_MODES.items():
            done = subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True)
            write(name, pdf, "txt", done.stdout, done.stderr if done.returncode else "")


def write(converter: str, pdf: Path, suffix: str, text: str, error: str) -> None:
    folder = OUT / converter
    folder.mkdir(parents=True, exist_ok=True)
    if error or not text.strip():
        print(f"  {converter} {pdf.name}: failed {error.strip()[-200:]}")
        return
    (folder / f"{pdf.stem}.{suffix}").write_text(text, encoding="utf-8")


def main() -> None:
    (OUT / "truth").mkdir(parents=True, exist_ok=True)
    (OUT / "pdf").mkdir(parents=True, exist_ok=True)
    for name, why in SKIPPED.items():
        print(f"{name}: skipped ({why})")
    for pdf in own_pdfs(OUT / "pdf") + real_pdfs():
        print(pdf.name)
        convert(pdf)


if __name__ == "__main__":
    main()
