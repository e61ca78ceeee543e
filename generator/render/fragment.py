"""An HTML fragment of a report for a portal's CMS editor: the article only, every style inline.

Portal editors (TRS, 大汉 …) keep element ``style`` attributes but drop ``<style>`` blocks, classes'
rules and CSS variables, so the page's screen stylesheet is applied to each element (css-inline) with
its ``var(--…)`` fonts written out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..report import Report
from ..resources import template_text
from .html import render_html

ROOT_RULE = re.compile(r":root\s*\{([^}]*)\}")
VARIABLE = re.compile(r"--([\w-]+)\s*:\s*([^;]+);")
USE = re.compile(r"var\(--([\w-]+)\)")
STYLE = re.compile(r'style="([^"]*)"')
TIMES_EM = re.compile(r"calc\(\s*([\d.]+)\s*\*\s*1em\s*\)")  # calc(3.5 * 1em) -> 3.5em


@lru_cache(maxsize=1)
def _inliner():
    import css_inline

    return css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)


@lru_cache(maxsize=1)
def fragment_css() -> str:
    """The screen stylesheet with its CSS variables replaced by their values (editors know no ``var()``)."""
    css = template_text("report.css")
    root = ROOT_RULE.search(css)
    values = dict(VARIABLE.findall(root.group(1))) if root else {}
    return _substitute(ROOT_RULE.sub("", css), values)


def _substitute(text: str, values: dict[str, str]) -> str:
    return USE.sub(lambda m: " ".join(values.get(m.group(1), m.group(0)).split()), text)


def _resolve_style(match: re.Match) -> str:
    """An element's own custom properties (the 落款's ``--right``) written into the rules that use them."""
    rules = [r.strip() for r in match.group(1).split(";") if r.strip()]
    values = dict(VARIABLE.findall(";".join(r for r in rules if r.startswith("--")) + ";"))
    kept = [TIMES_EM.sub(r"\1em", _substitute(r, values)) for r in rules if not r.startswith("--")]
    return 'style="{}"'.format(";".join(kept) + ";")


def article_of(page: str) -> str:
    """The ``<article>`` element of a rendered page."""
    return page[page.index("<article") : page.index("</article>") + len("</article>")]


def render_fragment(report: Report) -> str:
    return fragment_of_page(render_html(report))


def fragment_of_page(page: str) -> str:
    """The CMS fragment of a rendered (not draft) report page: its article with every style inlined."""
    inlined = _inliner().inline_fragment(article_of(page), fragment_css())
    return STYLE.sub(_resolve_style, inlined) + "\n"
