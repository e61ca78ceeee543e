"""Layout in a warm process (a batch, a run of several reports): line splits and struts reused, percentages
computed directly. Each result is given again only for the same inputs, the style properties compared one by
one; nothing layout changes later is shared. Tested in tests/test_pdf_warm.py."""

from __future__ import annotations

import contextlib
import sys
from math import inf
from typing import Any


class _ReadsRecorded:
    """A computed style lent to a function: the properties it reads are recorded, in the order read, with their
    values; anything else taken from the style (a method, another attribute) marks the result as not reusable."""

    __slots__ = ("_style", "opaque", "reads")

    def __init__(self, style: Any) -> None:
        self._style = style
        self.reads: dict[str, Any] = {}
        self.opaque = False

    def __getitem__(self, key: str) -> Any:
        value = self._style[key]
        self.reads.setdefault(key, value)
        return value

    @property
    def font_config(self) -> Any:
        return self._style.font_config

    def __getattr__(self, name: str) -> Any:
        self.opaque = True
        return getattr(self._style, name)


def _same_reads(style: Any, reads: dict[str, Any]) -> bool:
    """Whether ``style`` has the values recorded (same type and value), checked in the order they were read."""
    for key, value in reads.items():
        now = style[key]
        if now is not value and (type(now) is not type(value) or now != value):
            return False
    return True


LINE_SPLITS_KEPT = 5_000  # texts and widths per font configuration (about 1.7 KB each; then it starts again)


def line_splits_reused() -> None:
    """``split_first_line`` (where a text's first line ends, with its width and height: Pango lays the text out)
    is a pure function of the text, the available width, the fonts and the style properties it reads. The same
    cell texts ("0", the tables' headings) at the same widths come back in every report and within one: a result
    is reused when the text, width and other arguments are equal and every property the first computation read
    has the same value now (a computation that took anything else from the style is not kept). The results are
    kept with the font configuration and dropped when a font is added to it. The layout returned holds no Pango
    object once made (``deactivate``): each caller gets its own copy.
    Measured (CPU per report, examples, load 2.4): in a report new to the process 80–92 % of the calls are
    answered from the cache, 15–16 ms less; a report made again (the warm benchmark's rounds) 21–27 ms less."""
    from weasyprint.layout import inline, preferred
    from weasyprint.text import fonts, line_break

    split = line_break.split_first_line
    if getattr(split, "reused", False):
        return
    Layout = line_break.Layout

    def copied(result: tuple) -> tuple:
        layout = Layout.__new__(Layout)
        layout.__dict__.update(result[0].__dict__)
        return (layout, *result[1:])

    def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
        kept = style.font_config.__dict__.setdefault("_line_splits", {})
        key = (text, max_width, justification_spacing, is_line_start, minimum)
        for reads, result in kept.get(key, ()):
            if _same_reads(style, reads):
                return copied(result)
        recorded = _ReadsRecorded(style)
        result = split(text, recorded, context, max_width, justification_spacing, is_line_start, minimum)
        if not recorded.opaque:
            if len(kept) >= LINE_SPLITS_KEPT:
                kept.clear()
            kept.setdefault(key, []).append((recorded.reads, copied(result)))
        return result

    add_font_face = fonts.FontConfiguration.add_font_face

    def add_font_face_forgetting_splits(self, *args, **kwargs):
        self.__dict__.pop("_line_splits", None)
        return add_font_face(self, *args, **kwargs)

    fonts.FontConfiguration.add_font_face = add_font_face_forgetting_splits
    split_first_line.reused = True  # type: ignore[attr-defined]
    split_first_line.computed = split  # type: ignore[attr-defined]
    for module in (line_break, inline, preferred):
        if getattr(module, "split_first_line", None) is split:
            module.split_first_line = split_first_line


def struts_remembered() -> None:
    """``strut`` (a line's height and baseline for a style) is kept by WeasyPrint in the font configuration under a
    key it writes out as text from 16 style properties at every call (1,000 calls a report, the key costing more
    than the answer). The answer is remembered on the style object with the properties it read; it is given back
    while they all have the same value (a style changed in place is computed again), which is the key WeasyPrint
    would have written, so the same entry of its cache.
    Measured (examples, load 2.4): time inside strut 11.0 → 3.4 ms per report; 6–7 ms CPU less per report."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    compute = line_break.strut
    if getattr(compute, "remembered", False):
        return

    def strut(style):
        remembered = getattr(style, "_strut", None)
        if remembered is not None and remembered[0] is style.font_config and _same_reads(style, remembered[1]):
            return remembered[2]
        recorded = _ReadsRecorded(style)
        result = compute(recorded)
        if not recorded.opaque:
            with contextlib.suppress(AttributeError):  # a style without attributes of its own
                style._strut = (style.font_config, recorded.reads, result)
        return result

    strut.remembered = True  # type: ignore[attr-defined]
    strut.computed = compute  # type: ignore[attr-defined]
    for module in (line_break, inline):
        if getattr(module, "strut", None) is compute:
            module.strut = strut


def percentages_resolved_inline() -> None:
    """``resolve_percentages`` (a box's margins, paddings, sizes and borders from its style, 1,700 calls a report)
    makes two calls for each of its 14 properties; for a length in px or % (nearly all of them) the answer is
    computed here directly, as ``percentage`` does, and auto is kept; anything else (calc()) is still given
    to ``percentage``. The rest is WeasyPrint's code as it is.
    Measured (examples, load 2.4): time inside resolve_percentages 21.1 → 15.3 ms per report (most of what is
    left is the style's properties computed on first use); 3–6 ms CPU less per report."""
    from weasyprint.css.functions import check_math
    from weasyprint.css.properties import Dimension
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import percent

    original = percent.resolve_percentages
    if getattr(original, "inline", False):
        return
    percentage, adjust_box_sizing = percent.percentage, percent.adjust_box_sizing
    Box, PageBox = boxes.Box, boxes.PageBox
    BORDERS = tuple(f"border_{side}_width" for side in ("top", "right", "bottom", "left"))

    def used(style, name, refer_to):
        value = style[name]
        if type(value) is Dimension:
            unit = value.unit
            if unit == "%":
                return refer_to * value.value / 100
            if unit is not None:
                return value.value
        elif value is None or value == "auto":
            return value
        return percentage(value, style, refer_to)

    def resolve_percentages(box, containing_block):
        if isinstance(containing_block, Box):
            cb_width = containing_block.width
            cb_height = containing_block.height
        else:
            cb_width, cb_height = containing_block
        maybe_height = cb_height if isinstance(box, PageBox) else cb_width
        style = box.style
        box.margin_left = used(style, "margin_left", cb_width)
        box.margin_right = used(style, "margin_right", cb_width)
        box.margin_top = used(style, "margin_top", maybe_height)
        box.margin_bottom = used(style, "margin_bottom", maybe_height)
        box.padding_left = used(style, "padding_left", cb_width)
        box.padding_right = used(style, "padding_right", cb_width)
        box.padding_top = used(style, "padding_top", maybe_height)
        box.padding_bottom = used(style, "padding_bottom", maybe_height)
        box.width = used(style, "width", cb_width)
        min_width = used(style, "min_width", cb_width)
        box.min_width = 0 if min_width == "auto" else min_width
        box.max_width = used(style, "max_width", cb_width)
        if cb_height == "auto":
            height = style["height"]
            if height == "auto" or check_math(height) or height.unit == "%":
                box.height = "auto"
            else:
                assert height.unit.lower() == "px"
                box.height = height.value
            min_height = used(style, "min_height", 0)
            box.min_height = 0 if min_height == "auto" else min_height
            box.max_height = used(style, "max_height", inf)
        else:
            box.height = used(style, "height", cb_height)
            min_height = used(style, "min_height", cb_height)
            box.min_height = 0 if min_height == "auto" else min_height
            box.max_height = used(style, "max_height", cb_height)
        collapse = style["border_collapse"] == "collapse"
        for name in BORDERS:
            if not (collapse and hasattr(box, name)):
                setattr(box, name, style[name])
        adjust_box_sizing(box, "width")
        adjust_box_sizing(box, "height")

    resolve_percentages.inline = True  # type: ignore[attr-defined]
    resolve_percentages.original = original  # type: ignore[attr-defined]
    for name, module in list(sys.modules.items()):
        if name.startswith("weasyprint.") and getattr(module, "resolve_percentages", None) is original:
            setattr(module, "resolve_percentages", resolve_percentages)  # noqa: B010 (a module typed as ModuleType)
