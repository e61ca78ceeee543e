"""A warm PDF (one process making many reports) made faster by results reused across calls and reports
(generator/render/weasyprint_speed/layout.py), never different: every example's PDF,
as a report and as a draft, made twice in one process (the second time from what the first left), byte for byte
the PDF of plain WeasyPrint; on another WeasyPrint version nothing is changed."""

from __future__ import annotations

import pytest
from test_pdf_speed import PLAIN_WEASYPRINT
from test_pdf_speed import run as run_python

# Each example as ``nianbao render`` makes its PDF, and from the page a browser gets.
RENDER_TWICE = """
import hashlib
from pathlib import Path
from generator.inputs import load_report
from generator.render import printable, render
from generator.render.html import render_html
from generator.render.pdf import report_page_pdf
reports = [(path.stem, load_report(path)) for path in sorted(Path("examples").glob("*.yaml"))]
for round in (1, 2):
    for name, report in reports:
        for draft in (False, True):
            print(round, name, draft, hashlib.sha256(render(report, "pdf", draft=draft)).hexdigest())
            browser_page = render_html(printable(report), draft)
            print(round, name, draft, hashlib.sha256(report_page_pdf(browser_page)).hexdigest())
"""
OTHER_VERSION = """
from generator.render import weasyprint_speed
weasyprint_speed.MEASURED_ON = "0.0"
"""
WHICH = """
from generator.render import pdf
from weasyprint.layout import inline
print("reused" if getattr(inline.split_first_line, "reused", False) else "computed")
"""


def run(code: str) -> list[str]:
    return run_python(code).splitlines()


def test_warm_pdfs_are_plain_weasyprints_byte_for_byte():
    warm = run(RENDER_TWICE + WHICH)
    plain = run(PLAIN_WEASYPRINT + RENDER_TWICE + WHICH)
    assert warm[-1] == "reused" and plain[-1] == "computed"
    assert len(warm) == 1 + 2 * 2 * 2 * 4
    assert warm == plain[:-1] + ["reused"]


def test_on_another_weasyprint_version_nothing_is_reused():
    out = run(OTHER_VERSION + RENDER_TWICE + WHICH)
    assert out[-1] == "computed"
    assert out[:-1] == run(PLAIN_WEASYPRINT + RENDER_TWICE)


@pytest.fixture(scope="module")
def line_break():
    from generator.render import pdf, weasyprint_speed

    weasyprint = pdf._weasyprint()
    if weasyprint.__version__ != weasyprint_speed.MEASURED_ON:
        pytest.skip(f"WeasyPrint {weasyprint.__version__}: nothing is reused")
    from weasyprint.text import line_break

    return line_break


def cell_style(font_config=None, **properties):
    """A table cell's computed style in the report's stylesheet, with ``properties`` changed."""
    from weasyprint.css import get_all_computed_styles

    from generator.render import pdf

    font_config = font_config or pdf._font_config()

    page = pdf._report_page_class()(string='<article class="report"><table><tr><td>0</td></tr></table></article>')
    styles = get_all_computed_styles(page, user_stylesheets=[pdf._report_stylesheet()], font_config=font_config)
    style = styles(page.etree_element.find(".//td")).copy()
    style.update(properties)
    return style


def metrics(result):
    layout, *numbers = result
    return layout.text, numbers


def test_a_line_split_is_reused_only_while_every_property_it_read_is_the_same(line_break):
    split = line_break.split_first_line
    text = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    style = cell_style()
    first = split(text, style, None, 120.0, 0)
    again = split(text, cell_style(), None, 120.0, 0)
    assert metrics(again) == metrics(first) == metrics(split.computed(text, style, None, 120.0, 0))
    assert again[0] is not first[0]  # each caller gets its own layout to change
    wider = cell_style(letter_spacing=2.0)
    assert metrics(split(text, wider, None, 120.0, 0)) == metrics(split.computed(text, wider, None, 120.0, 0))
    assert metrics(split(text, wider, None, 120.0, 0))[1] != metrics(first)[1]
    narrower = split(text, style, None, 60.0, 0)
    assert metrics(narrower) == metrics(split.computed(text, style, None, 60.0, 0)) != metrics(first)


def test_adding_a_font_forgets_the_line_splits(line_break):
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    style = cell_style(FontConfiguration())  # not the one the reports use: a font is added to it
    line_break.split_first_line("本年制发件数", style, None, 80.0, 0)
    assert style.font_config.__dict__.get("_line_splits")
    CSS(string='@font-face { font-family: "Other"; src: local("Liberation Sans") }', font_config=style.font_config)
    assert not style.font_config.__dict__.get("_line_splits")


def test_a_strut_is_remembered_while_the_properties_it_read_are_the_same(line_break):
    strut = line_break.strut
    style = cell_style()
    assert strut(style) == strut.computed(style)
    assert style._strut[2] == strut(style)
    style["line_height"] = 2.0  # a style changed in place: computed again
    assert strut(style) == strut.computed(style) != strut.computed(cell_style())
    assert style._strut[1]["line_height"] == 2.0


VARIED_BOXES = """
<style>
  @page { size: 300px 400px; margin: 5% }
  div { width: 50%; margin: 2% auto 10px; padding: 1% 3px; min-width: 10%; max-height: 80% }
  .calc { width: calc(40% + 12px); margin-left: calc(1em - 2%); height: calc(20% + 1px) }
  .sized { box-sizing: border-box; border: 3px solid; padding: 5%; height: 40%; min-height: 30px }
  .padding { box-sizing: padding-box; padding: 4px; max-width: 90% }
  table { border-collapse: collapse; width: 100% } td { border: 2px solid; padding: 1%; height: 10% }
</style>
<div>a<div class="calc">b</div><div class="sized">c</div><div class="padding">d</div></div>
<table><tr><td>1</td><td style="width: 30%">2</td></tr></table>
"""


def test_percentages_resolved_inline_are_weasyprints(line_break):
    from weasyprint import HTML
    from weasyprint.layout import percent

    resolve = percent.resolve_percentages
    boxes = [page._page_box for page in HTML(string=VARIED_BOXES).render().pages]
    boxes += [box for page in boxes for box in page.descendants()]
    assert len(boxes) > 20
    for box in boxes:
        for containing_block in ((240, "auto"), (240, 330), boxes[0]):
            ours, theirs = box.copy(), box.copy()
            assert outcome(resolve, ours, containing_block) == outcome(resolve.original, theirs, containing_block)
            assert vars(ours) == vars(theirs), box


def outcome(resolve, box, containing_block):
    try:
        resolve(box, containing_block)
    except TypeError as error:  # a page's % margin against an auto height
        return str(error)
    return None


def test_the_pdfs_page_leaves_out_only_what_browsers_use():
    """Row labels' --at (screen.css) and cells' data-path are not parsed for the PDF; the browser's page keeps them."""
    from conftest import BUSY

    from generator.inputs import load_report
    from generator.render import printable
    from generator.render.html import render_html

    report = printable(load_report(BUSY))
    browser, pdf_page = render_html(report), render_html(report, inline_css=False)
    assert browser.count('style="--at: ') > 20 and browser.count(" data-path=") > 100
    assert "--at" not in pdf_page and "data-path" not in pdf_page
    assert pdf_page.count("<td") == browser.count("<td") and pdf_page.count('row-label"') == browser.count('row-label"')
