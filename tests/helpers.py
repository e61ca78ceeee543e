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


HIDE_PDF_LIBRARIES = '''\
import cffi


def _dlopen(self, name, flags=0):
    raise OSError(f"cannot load library 'libgobject-2.0-0': {name}: cannot open shared object file")


cffi.FFI.dlopen = _dlopen
'''


def hidden_pdf_libraries(folder: Path) -> dict:
    """Environment additions for a child process in which WeasyPrint's native libraries cannot be loaded.

    A ``sitecustomize`` makes ``cffi.FFI.dlopen`` fail exactly as it fails on a machine without Pango/GLib.
    """
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(HIDE_PDF_LIBRARIES, encoding="utf-8")
    return {"PYTHONPATH": f"{folder}{os.pathsep}{ROOT}"}


class Run(NamedTuple):
    code: int
    out: str
    err: str


def run_cli(*args, cwd: Path | None = None, env: dict | None = None, timeout: float = 300) -> Run:
    """``python -m generator ARGS`` as a user runs it (no terminal on stdin): exit code, stdout, stderr.

    ``env`` adds to the environment; the output is decoded as the child wrote it (PYTHONIOENCODING).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        cwd=cwd or ROOT,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env=env,
    )
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    return Run(proc.returncode, proc.stdout.decode(encoding, "replace"), proc.stderr.decode(encoding, "replace"))


def run_python(code: str, env: dict | None = None, timeout: float = 300) -> str:
    """``python -c CODE`` from the repository (each case its own process: WeasyPrint is imported once per
    process); ``env`` adds to the environment. Fails the test on a non-zero exit; returns what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def soffice_convert(target: str, *sources: Path, outdir: Path) -> Path:
    """Convert with LibreOffice into ``outdir`` (its own profile beside it, so parallel calls never clash)."""
    profile = outdir.parent / f".lo-profile-{outdir.name}"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    return outdir


def pdf_text(path: Path, layout: bool = False) -> str:
    """The text of a PDF by poppler's pdftotext (pages separated by form feeds)."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def make_roster_module():
    """``bench/make_roster.py`` (the synthetic units every batch test builds on), loaded once."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_roster", ROOT / "bench" / "make_roster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
