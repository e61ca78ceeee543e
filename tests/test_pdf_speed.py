"""The PDF made faster, never different (generator/render/weasyprint_speed/): WeasyPrint imported on Linux
without a library search (ldconfig, gcc and ld run as subprocesses for every name that fails), and the usual
way where only a search finds the libraries; the changes to WeasyPrint's internals against plain WeasyPrint,
byte for byte; the batch's unit PDFs made as ``nianbao render`` makes them.

Most cases run in their own process: WeasyPrint is imported once per process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import BUSY
from helpers import ROOT

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only"
)

PDF_OF_BUSY = f"""
import sys
from pathlib import Path
from generator.inputs import load_report
from generator.render import render
pdf = render(load_report(Path({str(BUSY)!r})), "pdf")
print("PDF", pdf[:5].decode(), len(pdf) > 10000)
"""

COUNT_SEARCHES = """
import ctypes.util
searched = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: searched.append(name) or search(name)
"""

# A system where a library's file name does not load, but the name a search finds does: every file name fails
# while the search is switched off, as if the libraries were only known to ldconfig under other names.
ONLY_FOUND_BY_SEARCH = """
import ctypes.util
import cffi
dlopen = cffi.FFI.dlopen
def fussy(self, name, flags=0):
    if ctypes.util.find_library("gobject-2.0") is None:
        raise OSError(f"cannot load library {name!r}")
    return dlopen(self, name, flags)
cffi.FFI.dlopen = fussy
"""


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_weasyprint_is_imported_without_a_library_search():
    out = run(COUNT_SEARCHES + PDF_OF_BUSY + "print('searched', searched, ctypes.util.find_library is not search)")
    assert "PDF %PDF- True" in out
    assert "searched [] True" in out  # no search, and the search put back afterwards


def test_where_only_a_search_finds_the_libraries_they_are_searched_for():
    assert "PDF %PDF- True" in run(ONLY_FOUND_BY_SEARCH + PDF_OF_BUSY)


RENDER_EXAMPLES = """
import hashlib
from pathlib import Path
from generator.inputs import load_report
from generator.render import render
for path in sorted(Path("examples").glob("*.yaml")):
    print(path.stem, hashlib.sha256(render(load_report(path), "pdf", draft=True)).hexdigest())
"""
PLAIN_WEASYPRINT = """
import sys
from generator.render import weasyprint_speed
weasyprint_speed.speed_up = lambda weasyprint: None
weasyprint_speed.import_weasyprint = lambda: __import__("weasyprint")
"""
WHICH = """
from generator.render import pdf
print("fast" if isinstance(getattr(pdf._weasyprint().pdf.fonts.Font, "file_content", None), property) else "plain")
"""


def test_the_speed_changes_change_no_byte_of_a_pdf():
    fast, plain = run(RENDER_EXAMPLES + WHICH), run(PLAIN_WEASYPRINT + RENDER_EXAMPLES + WHICH)
    assert fast.endswith("fast\n") and plain.endswith("plain\n")
    assert fast.replace("fast", "") == plain.replace("plain", "")


FULL_FONT = """
from fontTools.ttLib import TTFont
import io, pypdf, subprocess
from generator.render import pdf
weasyprint = pdf._weasyprint()
page = weasyprint.HTML(string='<p style="font-family: Liberation Serif">2025</p>')
data = page.write_pdf(full_fonts=True)
reader = pypdf.PdfReader(io.BytesIO(data))
font = reader.pages[0]["/Resources"]["/Font"]
descriptor = next(iter(font.values())).get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
embedded = descriptor.get_object()["/FontFile2"].get_object().get_data()
path = subprocess.run(["fc-match", "-f", "%{file}", "Liberation Serif"], capture_output=True, text=True).stdout
print("whole file", embedded == open(path, "rb").read())
"""


def test_a_font_embedded_whole_is_read_from_its_file():
    """Only a font that is not subset (full_fonts, forms) needs the whole file, read when it is embedded."""
    assert "whole file True" in run(FULL_FONT)


FONTTOOLS_SUBSET = """
import io, subprocess, sys
import pypdf
from generator.render import pdf
weasyprint = pdf._weasyprint()
print("loaded at start-up", "fontTools.subset" in sys.modules)
weasyprint.pdf.fonts.harfbuzz_subset = None  # as where libharfbuzz-subset is missing: fontTools subsets
data = weasyprint.HTML(string='<p style="font-family: Liberation Serif">2025 ab</p>').write_pdf()
page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
font = next(iter(page["/Resources"]["/Font"].values())).get_object()["/DescendantFonts"][0].get_object()
embedded = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
path = subprocess.run(["fc-match", "-f", "%{file}", "Liberation Serif"], capture_output=True, text=True).stdout
print("text", page.extract_text().strip(), "subset", len(embedded) < len(open(path, "rb").read()) / 4)
print("loaded now", "fontTools.subset" in sys.modules)
"""


def test_fonttools_is_loaded_when_weasyprint_first_needs_it():
    """Without HarfBuzz's subsetter WeasyPrint subsets with fontTools, imported on that first use."""
    out = run(FONTTOOLS_SUBSET)
    assert "loaded at start-up False" in out
    assert "text 2025 ab subset True" in out
    assert "loaded now True" in out


def test_types_parsed_together_are_the_types_cffi_parses_one_by_one():
    import cffi

    from generator.render import pdf, weasyprint_speed

    ffi = pdf._weasyprint().text.ffi.ffi
    if cffi.__version__ != weasyprint_speed.CFFI_MEASURED_ON:
        pytest.skip(f"cffi {cffi.__version__}: the types are parsed one by one")
    alone = cffi.FFI()
    for source in ffi._cdefsources:
        alone.cdef(source)
    for cdecl in weasyprint_speed.WEASYPRINT_TYPES:
        assert cdecl in ffi._parsed_types  # parsed together when WeasyPrint was imported
        together, one = ffi.typeof(cdecl), alone.typeof(cdecl)
        assert (together.cname, together.kind) == (one.cname, one.kind)
        assert ffi.sizeof(together) == alone.sizeof(one) if one.kind != "array" or one.length else True


@pytest.mark.parametrize("draft", [False, True])
def test_a_batch_unit_pdf_is_the_pdf_render_makes(draft):
    from generator.batch.work import render_all
    from generator.inputs import load_report
    from generator.render import printable
    from generator.render.pdf import render_pdf

    report = load_report(BUSY)
    assert render_all(report, ("pdf",), draft)["pdf"] == render_pdf(printable(report), draft)
