"""HTML: one self-contained, accessible page (semantic headings, real rowspan/colspan, th scope)."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import jinja2
from jinja2 import BytecodeCache, Environment, FunctionLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from .. import __version__
from ..document import DRAFT_NOTE, build_document
from ..prose import page_title
from ..report import Report
from ..resources import template_text
from .linebreak import BREAK, squeezed, tokens
from .row_groups import row_groups
from .user_cache import read_cached, write_cached

LONG_TOKEN = 40  # pasted junk without a break opportunity gets one every LONG_TOKEN characters
UNBROKEN = re.compile(rf"[!-~]{{{2 * LONG_TOKEN},}}")  # printable ASCII without a space: one word to a browser
UNBROKEN_SPLIT = re.compile(rf"([!-~]{{{2 * LONG_TOKEN},}})")


# What shapes the code a template compiles to (part of the name its cached code is kept under).
COMPILING = {"autoescape": True, "trim_blocks": False, "lstrip_blocks": False, "keep_trailing_newline": True}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FunctionLoader(template_text),
        undefined=StrictUndefined,
        bytecode_cache=CompiledTemplates(),
        **COMPILING,  # type: ignore[arg-type]
    )
    env.filters["tokens"] = keep_tokens
    env.globals["row_groups"] = row_groups
    return env


class CompiledTemplates(BytecodeCache):
    """The report template's compiled code, kept in the user's cache folder (``user_cache``): compiling it
    takes 12 ms CPU of every start, reading it back 1 ms. Jinja checks the template's text against the
    checksum it keeps with the code; the file's name holds the Jinja version and the compile options."""

    def load_bytecode(self, bucket: Bucket) -> None:
        data = read_cached(self._name(bucket))
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # a damaged file (Jinja catches only some of the errors): compiled as before
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_cached(self._name(bucket), bucket.bytecode_to_string())

    @staticmethod
    def _name(bucket: Bucket) -> str:
        version = hashlib.sha256(f"{jinja2.__version__} {sorted(COMPILING.items())}".encode()).hexdigest()[:12]
        return f"jinja-{version}-{bucket.key}.cache"


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The typography plus the paged-media rules under @media print (CSS kept in its own files)."""
    common, paged = template_text("report.css"), template_text("print.css")
    return f"{common}\n@media print {{\n{paged}\n}}\n"


@lru_cache(maxsize=1)
def screen_stylesheet() -> str:
    """Rules for browsers only, in a <style media="screen"> that WeasyPrint does not read (it would warn)."""
    return template_text("screen.css")


def keep_tokens(text: str) -> Markup:
    """Escape ``text``, wrapping each number in a span that does not break, marking the break opportunities
    of Chinese typesetting (``linebreak``: inside URLs and e-mail addresses, around quotation marks) with
    ``<wbr>``, which prints nothing and is not copied with the text, and compressing adjacent marks."""
    out = []
    for kind, piece in tokens(text):
        if kind == "number":
            nobr = (
                Markup('<span class="nobr">%s</span>') % part if len(part) > 1 else escape(part)
                for part in piece.split(BREAK)
            )
            out.append(Markup("<wbr>").join(nobr))
        else:
            out.append(_squeeze(piece))
    return Markup("").join(out)


def _squeeze(text: str) -> Markup:
    """``text`` escaped; in each run of adjacent full-width marks that compress (标点挤压), a mark followed by
    a blank half is in a span that pulls the next mark half a character closer; the run does not break."""
    out = []
    for piece, flags in squeezed(text):
        if not flags:
            out.append(Markup("<wbr>").join(breakable(part) for part in piece.split(BREAK)))
            continue
        marks = (Markup('<span class="sq">%s</span>') % ch if flag else escape(ch) for ch, flag in zip(piece, flags))
        out.append(Markup('<span class="pm">%s</span>') % Markup("").join(marks))
    return Markup("").join(out)


def breakable(text: str) -> Markup:
    """Escape ``text``, giving a run without any break opportunity (pasted junk: 「aaaa…」 thousands long) one
    every LONG_TOKEN characters, so a line can always break and page layout never stalls on it."""
    return Markup("").join(
        escape(part)
        if not UNBROKEN.fullmatch(part)
        else Markup("<wbr>").join(escape(part[i : i + LONG_TOKEN]) for i in range(0, len(part), LONG_TOKEN))
        for part in UNBROKEN_SPLIT.split(text)
        if part
    )


def render_html(report: Report, draft: bool = False, inline_css: bool = True) -> str:
    return render_blocks(page_title(report), build_document(report), draft, inline_css)


def render_blocks(page_title: str, blocks: list, draft: bool = False, inline_css: bool = True) -> str:
    """A page from document blocks (used for reports and for the batch roll-up); ``inline_css=False`` leaves
    the stylesheets out (the PDF renderer passes its parsed copy)."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=page_title,
        blocks=blocks,
        css=Markup(stylesheet() if inline_css else ""),
        screen_css=Markup(screen_stylesheet() if inline_css else ""),
        version=__version__,
        draft_note=DRAFT_NOTE if draft else "",
    )
