"""What many tests need: the real command in a subprocess, LibreOffice conversion, and the repository's paths."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


class Run(NamedTuple):
    code: int
    out: str
    err: str


def run_cli(*args, cwd: Path | None = None, env: dict | None = None, timeout: float = 300) -> Run:
    """``python -m generator ARGS`` as a user runs it (no terminal on stdin): exit code, stdout, stderr."""
    proc = subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, stdin=subprocess.DEVNULL, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return Run(proc.returncode, proc.stdout, proc.stderr)


def soffice_convert(target: str, *sources: Path, outdir: Path) -> Path:
    """Convert with LibreOffice into ``outdir`` (its own profile beside it, so parallel calls never clash)."""
    profile = outdir.parent / f".lo-profile-{outdir.name}"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                    "--outdir", str(outdir), *map(str, sources)], capture_output=True, check=True, timeout=180)
    return outdir


def pdf_text(path: Path, layout: bool = False) -> str:
    """The text of a PDF by poppler's pdftotext (pages separated by form feeds)."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout
