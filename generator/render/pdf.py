"""PDF: WeasyPrint from the HTML page, with the CJK fonts embedded (subset by HarfBuzz when available).

This is the only module that imports WeasyPrint. Its native libraries (Pango, GLib, HarfBuzz) are
often missing on Windows, macOS and minimal Linux; then every PDF request raises ``PdfUnavailable``,
whose message names the install step for the system it runs on, and everything else keeps working.

WeasyPrint justifies a line by widening its spaces only, and Chinese has none: its lines stay ragged.
``_justify_between_characters`` replaces that step (for lines with Chinese text) by the CSS
``text-justify: inter-character`` rule that Chinese typesetting uses: the missing width is shared
between all the characters of the line, so every full line ends exactly at the right margin. A line that
would need more than 0.48 mm between its characters (a number or an address did not fit its end: nothing may
break inside) is left short of the margin instead of showing gaps.
"""

from __future__ import annotations

import contextlib
import io
import logging
import platform
import re
import sys
from functools import lru_cache
from typing import Any

from ..errors import NianbaoError
from ..report import Report
from ..resources import template_text
from . import weasyprint_speed
from .html import render_html, stylesheet

WEASYPRINT_INSTALL = "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#installation"
DEBIAN_LIKE = {"debian", "ubuntu", "uos", "kylin", "deepin"}


class PdfUnavailable(NianbaoError):
    """WeasyPrint cannot load its native libraries: no PDF on this computer until they are installed (exit 2)."""


def install_step(system: str | None = None) -> str:
    """What to install for PDF output, in Chinese, for ``system`` (``sys.platform``; default this computer)."""
    system = system or sys.platform
    if system == "win32":
        return (
            "按 WeasyPrint 的说明用 MSYS2 安装 Pango：先安装 MSYS2（https://www.msys2.org ，保持默认选项，"
            "装在 C:\\msys64），再从开始菜单打开「MSYS2 UCRT64」，运行 pacman -S mingw-w64-ucrt-x86_64-pango，"
            "完成后关闭该窗口，重新打开命令提示符。MSYS2 若装在别处，请把环境变量 WEASYPRINT_DLL_DIRECTORIES "
            "设为「安装位置\\ucrt64\\bin」。"
        )
    if system == "darwin":
        return (
            "先安装 Homebrew（https://brew.sh），再在「终端」里运行 brew install pango。"
            "如仍提示找不到库（Apple 芯片的 Mac），运行 nianbao 之前先执行 "
            "export DYLD_FALLBACK_LIBRARY_PATH=/opt/homebrew/lib"
        )
    if system.startswith("linux") and _debian_like():
        return "在终端里运行：sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-liberation2"
    return f"请按 WeasyPrint 的安装说明为本系统安装 Pango 及中文字体：{WEASYPRINT_INSTALL}"


def _debian_like() -> bool:
    """Debian and its derivatives (Ubuntu, 统信 UOS, 麒麟 Kylin, Deepin): apt names the libraries alike."""
    try:
        release = platform.freedesktop_os_release()
    except OSError:
        return False
    ids = {release.get("ID", "").lower(), *release.get("ID_LIKE", "").lower().split()}
    return bool(ids & DEBIAN_LIKE)


def unavailable_message(reason: str) -> str:
    return (
        f"无法生成 PDF：本机缺少 WeasyPrint 排版 PDF 所需的系统库（{reason}）。\n"
        f"安装方法：{install_step()}\n"
        "装好后运行 nianbao doctor 检查。Word（.docx）和网页（.html）报告不需要这些库，可以照常生成。"
    )


CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060"  # <wbr> becomes a zero-width space: it takes no spacing
# At most this between two characters' advances (CSS px: 0.48 mm) once justified; a line needing more stays ragged.
MAX_LETTER_SPACING = 0.48 * 96 / 25.4


@lru_cache(maxsize=1)
def _weasyprint():
    """Import WeasyPrint (slow, ~0.5 s: only when a PDF is asked for); ``PdfUnavailable`` without its libraries."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints an English banner before failing
            weasyprint = weasyprint_speed.import_weasyprint()
    except OSError as exc:  # cffi could not load libgobject / libpango …
        raise PdfUnavailable(unavailable_message(str(exc))) from None
    except ImportError as exc:  # a broken install, not a missing system library
        raise PdfUnavailable(
            f"无法生成 PDF：Python 包 weasyprint 没有装好（{exc}）。请重新安装 nianbao"
            "（pip install --force-reinstall nianbao）。Word 和网页报告不受影响。"
        ) from None
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    _justify_between_characters()
    weasyprint_speed.speed_up(weasyprint)
    return weasyprint


def _justify_between_characters() -> None:
    """Install inter-character justification in WeasyPrint's line layout (checked by tests/test_layout.py)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    spaces_only = inline.justify_line

    def text_boxes(box):
        if isinstance(box, boxes.TextBox):
            if box.text.strip(ZERO_WIDTH):
                yield box
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    yield from text_boxes(child)

    def spread(box, spacing: float, advance: float) -> float:
        """Add ``spacing`` after every character of ``box``, moving what follows; returns the new advance."""
        if isinstance(box, boxes.TextBox):
            box.position_x += advance
            if not box.text.strip(ZERO_WIDTH):
                return advance
            style = box.style.copy()  # the draw step lays the text out again from the box's style
            letter_spacing = style["letter_spacing"]
            style["letter_spacing"] = (0 if letter_spacing == "normal" else letter_spacing) + spacing
            box.style = style
            width = spacing * _visible(box.text)
            box.width += width
            return advance + width
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += advance
            start = advance
            for child in box.children:
                if child.is_in_normal_flow():
                    advance = spread(child, spacing, advance)
            box.width += advance - start
            return advance
        box.translate(advance, 0)
        return advance

    def justify_line(context, line, extra_width):
        texts = [box.text for box in text_boxes(line)]
        gaps = sum(_visible(text) for text in texts) - 1  # the last character gets no visible space after it
        if gaps > 0 and any(CJK.search(text) for text in texts):
            if extra_width / gaps + _letter_spacing(line) <= MAX_LETTER_SPACING:
                spread(line, extra_width / gaps, 0)
            # else: a number or an address that did not fit left too much room; spread out, the line would
            # show gaps between its characters: it stays as it is, short of the margin (ragged), as CLREQ allows
        else:
            spaces_only(context, line, extra_width)

    inline.justify_line = justify_line


def _letter_spacing(box) -> float:
    """The letter spacing of a line's paragraph (the body's is slightly negative: 28 characters fit the line)."""
    spacing = box.style["letter_spacing"]
    return 0.0 if spacing == "normal" else float(spacing)


def _visible(text: str) -> int:
    """Characters that take a place on the line (a zero-width break opportunity takes none)."""
    return len(text) - sum(text.count(ch) for ch in ZERO_WIDTH)


def render_pdf(report: Report, draft: bool = False) -> bytes:
    """A report's PDF. What does not change between reports is built once per process: the parsed stylesheet
    (with its @font-face fonts), the font configuration, and a user-agent stylesheet cut down to the rules for
    the elements a report holds (templates/report-ua.css): about a sixth less time than ``html_to_pdf``."""
    return report_page_pdf(render_html(report, draft, inline_css=False))


def report_page_pdf(page: str) -> bytes:
    """The PDF of a report's page (``render_html`` or ``render_blocks`` of a report, with or without the
    stylesheet inline: the copy parsed once per process is used)."""
    page = page.replace(stylesheet(), "", 1)
    return _report_page_class()(string=page, base_url=".").write_pdf(
        stylesheets=[_report_stylesheet()], font_config=_font_config()
    )


@lru_cache(maxsize=1)
def _report_stylesheet():
    return _weasyprint().CSS(string=stylesheet(), font_config=_font_config())


@lru_cache(maxsize=1)
def _report_page_class():
    weasyprint = _weasyprint()
    user_agent = weasyprint.CSS(string=template_text("report-ua.css"))
    page: Any = weasyprint.HTML

    class ReportPage(page):
        def _ua_stylesheets(self, forms=False):
            return [user_agent]

    return ReportPage


@lru_cache(maxsize=1)
def _font_config():
    """One font configuration per process: rebuilding it for every report costs ~20 % of the time."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """Any page (the batch roll-up with its charts, nianbao doctor's samples) with
    WeasyPrint's own user-agent stylesheet. A page made by ``render_blocks`` has the report stylesheet inline:
    it is taken out and the copy parsed once per process is used instead (the same rules, parsed once)."""
    inline = stylesheet()
    if inline in html:
        page = _weasyprint().HTML(string=html.replace(inline, "", 1), base_url=".")
        return page.write_pdf(stylesheets=[_report_stylesheet()], font_config=_font_config())
    return _weasyprint().HTML(string=html, base_url=".").write_pdf(font_config=_font_config())


def warm_up() -> None:
    """Import WeasyPrint now (worker processes do this once, before their first report)."""
    _weasyprint()


def version() -> str:
    return _weasyprint().__version__
