"""Hostile inputs (issue 19): time and peak memory of the real command on files that used to hang or blow up.

- a 1,000-page PDF given to check and import (refused from its page count; target: < 10 s, < 500 MB);
- a 200-page PDF (the limit) given to check: every page is read;
- render of a report whose agency name has 100,000 characters (DOCX and HTML);
- import of a 56 MB e-mail (.eml) holding the report as an attachment (refused naming the attachment, read line by
  line) and of a 50 MB password-protected .docx (refused from its stream names, read a megabyte at a time);
- a 3,000-unit roster scanned for what a cached-values reading does not show (formulas without a saved result,
  merged cells): without any formula (a byte scan only) and with a formula in every row (parsed), in process.

Each case runs ``python -m generator`` in a child process; the peak RSS is that child's (os.wait4).
"""

from __future__ import annotations

import os
import re
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


def eml(path: Path, megabytes: int) -> Path:
    import base64

    with path.open("w", encoding="ascii", newline="") as handle:
        handle.write(
            "From: a@example.gov.cn\r\nTo: b@example.gov.cn\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: application/octet-stream\r\n'
            'Content-Disposition: attachment; filename="report.docx"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        )
        for _ in range(megabytes):
            handle.write(base64.encodebytes(os.urandom(786_432)).decode("ascii"))
        handle.write("\r\n--b1--\r\n")
    return path


def encrypted_docx(path: Path, megabytes: int) -> Path:
    """An OLE compound file the size of a big locked document, its stream names at the end (as Word writes them)."""
    names = "".join(n.encode("utf-16-le").decode("latin-1") for n in ("EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(megabytes * 1024 * 1024) + names.encode("latin-1")
    )
    return path


def roster_scan(tmp: Path, units: int, formulas: bool) -> tuple[float, float]:
    """(seconds, cells reported) of ``sheet_extras`` on a roster of ``units`` rows."""
    import zipfile

    from generator.formats import FORMAT_2021
    from generator.inputs.roster import write_roster
    from generator.report import ReportBuilder
    from generator.spreadsheets import sheet_extras

    path = tmp / f"roster-{units}-{formulas}.xlsx"
    builder = ReportBuilder(year=2025, format=FORMAT_2021)
    builder.agency = builder.agency.__class__(name="甲镇人民政府")
    write_roster(path, FORMAT_2021, force=True, reports=[builder.build()] * units)
    if formulas:  # every row's phone cell becomes a formula without a saved result
        with zipfile.ZipFile(path) as package:
            parts = {n: package.read(n) for n in package.namelist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = re.sub(rb'(<row r="(\d+)"[^>]*>)', rb'\1<c r="ZZ\2"><f>A1</f></c>', parts[sheet])
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
    start = time.perf_counter()
    extras = sheet_extras(path, "xl/worksheets/sheet1.xml")
    return time.perf_counter() - start, sum(len(row) for row in extras.formulas.values())


def measure(*args) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one run of the command."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode


def make(tmp: Path) -> None:
    """The input files, made in a child process: the measuring parent stays small (a child's peak RSS counts
    the pages it shares with the parent it was forked from)."""
    pdf(tmp / "1000.pdf", 1000)
    pdf(tmp / "200.pdf", 200)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["agency"]["name"] = "很长的机关名称" * 14_286
    (tmp / "long.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    eml(tmp / "mail.eml", 56)
    encrypted_docx(tmp / "locked.docx", 50)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        subprocess.run(
            [sys.executable, __file__, "--make", folder], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
        cases = {
            "check 1,000-page PDF": ("check", tmp / "1000.pdf"),
            "import 1,000-page PDF": ("import", tmp / "1000.pdf", "-o", tmp / "a.yaml"),
            "check 200-page PDF (limit)": ("check", tmp / "200.pdf"),
            "render docx,html, 100,000-char name": (
                "render",
                tmp / "long.yaml",
                "-o",
                tmp / "out",
                "--to",
                "docx,html",
                "--ignore-errors",
                "--force",
            ),
            "import 56 MB e-mail (.eml)": ("import", tmp / "mail.eml", "-o", tmp / "b.yaml"),
            "import 50 MB locked .docx": ("import", tmp / "locked.docx", "-o", tmp / "c.yaml"),
        }
        print(f"{'case':40} {'time':>8} {'peak':>9} {'rc':>3}")
        for label, args in cases.items():
            seconds, peak, code = measure(*args)
            print(f"{label:40} {seconds:7.2f}s {peak:7.0f}MB {code:3}")
        for formulas in (False, True):
            seconds, found = roster_scan(tmp, 3000, formulas)
            label = "roster 3,000 rows: " + ("a formula in every row" if formulas else "no formula (byte scan)")
            print(f"{label:40} {seconds:7.2f}s {found:7} formulas found (in process)")
        print(f"load: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make"]:
        make(Path(sys.argv[2]))
    else:
        main()
