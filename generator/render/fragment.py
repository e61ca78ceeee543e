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
    css = ROOT_RULE.sub("", css)
    return re.sub(r"var\(--([\w-]+)\)", lambda m: values.get(m.group(1), m.group(0)).strip(), css)


def article_of(page: str) -> str:
    """The ``<article>`` element of a rendered page."""
    return page[page.index("<article"):page.index("</article>") + len("</article>")]


def render_fragment(report: Report) -> str:
    return _inliner().inline_fragment(article_of(render_html(report)), fragment_css()) + "\n"
