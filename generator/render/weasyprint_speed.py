"""WeasyPrint made faster without changing a byte of its PDFs (checked by bench/pdf_sameness.py).

- ``import_weasyprint``: on Linux, the libraries are loaded by their file names, without a search per name;
  the parts of fontTools used only for rare fonts are imported when first used.
- ``subset_arrays_parsed_once``: the glyph arrays of font subsetting are a type cffi parses once.
- ``types_parsed_together``: the C types WeasyPrint asks cffi for are parsed in one go, not one by one.
- ``font_files_read_when_needed``: a font's whole file is copied out of HarfBuzz only if it is used whole.
- ``html_parser_regexes_cached``: the HTML parser's text-scanning patterns are built once, not at every call.

All but the first reach into WeasyPrint's (or cffi's) internals: they are applied to the versions they were
measured on (``MEASURED_ON``, ``CFFI_MEASURED_ON``) only; any other version runs unchanged.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib
import importlib.abc
import importlib.machinery
import pickle
import re
import sys
import threading
import types
from math import inf
from typing import Any

from .cdef_cache import declarations_cached
from .user_cache import read_cached, write_cached

MEASURED_ON = "70.0"
CFFI_MEASURED_ON = "2.1.1"


def import_weasyprint() -> Any:
    """``import weasyprint``: on Linux first with ``find_library`` switched off (``_file_names_only``), and
    with the parts of fontTools it needs only for rare fonts loaded on first use (``_loaded_on_first_use``),
    its own user-agent stylesheets parsed on first use (``_user_agent_sheets_parsed_on_first_use``: 36 ms)
    and cffi's parse of its C declarations read from the user's cache (``cdef_cache``: 70 ms).
    Where that fails (a system where only a library search finds the libraries), or on a WeasyPrint version
    these were not measured on, it is imported again the usual way."""
    try:
        with (
            _file_names_only(),
            _loaded_on_first_use(*FONTTOOLS_FOR_RARE_FONTS),
            _user_agent_sheets_parsed_on_first_use(),
            declarations_cached(WEASYPRINT_TYPES),
        ):
            import weasyprint
        if weasyprint.__version__ == MEASURED_ON:
            return weasyprint
    except OSError:
        pass
    for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
        del sys.modules[name]
    import weasyprint

    return weasyprint


@contextlib.contextmanager
def _file_names_only():
    """WeasyPrint tries several names for each library (libgobject-2.0-0, gobject-2.0, …, libgobject-2.0.so.0);
    cffi looks each name that fails to load up with ``ctypes.util.find_library``, which on Linux runs
    ``ldconfig``, ``gcc`` and ``ld`` (22 look-ups: 0.1 s CPU and 0.2 s wall-clock, half of the import).
    Every list also holds the library's file name (libgobject-2.0.so.0), which loads without a search:
    the search is skipped while WeasyPrint is imported."""
    import ctypes.util

    if not sys.platform.startswith("linux"):  # elsewhere the search is cheap (and finds the DLLs on Windows)
        yield
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


# WeasyPrint imports these at start-up (0.055 s CPU) for a variable font (instancer) or when HarfBuzz cannot
# subset (subset); the reports' fonts need neither.
FONTTOOLS_FOR_RARE_FONTS = ("fontTools.varLib", "fontTools.varLib.instancer", "fontTools.subset")


class _OnFirstUse(types.ModuleType):
    """Stands in for a module while WeasyPrint is imported: each name taken from it is a function that imports
    the real module on its first call and passes the call on (WeasyPrint only calls what it takes from these
    modules: ``subset.Options(…)``, ``instantiateVariableFont(…)``)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        module_name = self.__name__

        def on_first_use(*args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

        return on_first_use


@contextlib.contextmanager
def _loaded_on_first_use(*names: str):
    stand_ins = {name: _OnFirstUse(name) for name in names if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


# An @counter-style rule of WeasyPrint's user-agent sheet (html5_ua.css: no nested braces, none in @media).
COUNTER_STYLE_RULE = re.compile(r"@counter-style\s[^{]*\{[^}]*\}")


@contextlib.contextmanager
def _user_agent_sheets_parsed_on_first_use():
    """WeasyPrint's ``html`` module parses three stylesheets when it is imported (the HTML5 user-agent sheet,
    its form rules and the presentational hints: 36 ms CPU of every start); a report page uses its own
    (templates/report-ua.css, ``ReportPage`` in pdf.py), so they are parsed on their first use instead (the
    batch roll-up and doctor's samples, through ``html_to_pdf``). Only the user-agent sheet's 49 @counter-style
    rules are read at the import (7 ms), into the counter styles every page starts from (``UA_COUNTER_STYLE``)."""
    finder = _HtmlModuleFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


class _HtmlModuleFinder(importlib.abc.MetaPathFinder):
    """Finds ``weasyprint.html`` as the usual path finder does; its module runs with ``CSS`` deferring the parse."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "weasyprint.html":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: Any) -> None:
            del loader.exec_module  # once: the loader is the usual one again
            package: Any = sys.modules["weasyprint"]
            css = package.CSS
            if package.__version__ != MEASURED_ON:
                return execute(module)
            package.CSS = _parsed_on_first_use(css)
            try:
                execute(module)
            finally:
                package.CSS = module.CSS = css

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _parsed_on_first_use(css: Any) -> Any:
    """A ``CSS`` that stores its text and parses it when an attribute is first read (then it is a ``CSS``)."""
    lock = threading.Lock()

    class ParsedOnFirstUse(css):
        def __init__(self, string: str, counter_style: Any = None) -> None:
            if counter_style is not None:  # filled now; the whole sheet is parsed later with a throwaway one
                counter_style.update(_counter_styles(css, "\n".join(COUNTER_STYLE_RULE.findall(string))))
            self._string = string

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__") or "_string" not in vars(self):
                raise AttributeError(name)
            with lock:
                if type(self) is ParsedOnFirstUse:
                    self.__dict__.update(vars(css(string=self._string)))
                    self.__class__ = css
                    del self._string
            return getattr(self, name)

    return ParsedOnFirstUse


def _counter_styles(css: Any, rules: str) -> dict:
    """The @counter-style ``rules`` as ``css`` parses them, kept in the user's cache folder (6.4 ms → 0.1 ms;
    plain data: names, and tinycss2's tokens for the descriptors)."""
    import tinycss2  # type: ignore[import-untyped]

    if not rules:  # the form rules have none
        return {}
    versions = f"{sys.version} {MEASURED_ON} {tinycss2.__version__} {rules}"
    name = f"weasyprint-counter-styles-{hashlib.sha256(versions.encode()).hexdigest()[:32]}.pickle"
    data = read_cached(name)
    if data is not None:
        try:
            kept = pickle.loads(data)
            if isinstance(kept, dict):
                return kept
        except Exception:  # a damaged file: parsed again
            pass
    parsed: dict = {}
    css(string=rules, counter_style=parsed)
    write_cached(name, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    return parsed


def speed_up(weasyprint: Any) -> None:
    """The changes to WeasyPrint's internals, on the version they were measured on; then what the process holds
    once WeasyPrint is imported (modules, parsed stylesheets: kept to the end) is left out of the garbage
    collector's full collections, which went through it all every few reports (13 → 5 ms a report)."""
    gc.freeze()
    if weasyprint.__version__ != MEASURED_ON:
        return
    subset_arrays_parsed_once()
    font_files_read_when_needed()
    html_parser_regexes_cached()
    types_parsed_together(weasyprint.text.ffi.ffi)
    line_splits_reused()
    struts_remembered()
    percentages_resolved_inline()
    style_attributes_shared()


SIZED_ARRAY = re.compile(r"\[\d+\]$")


class _OpenArrays:
    """WeasyPrint's font subsetting asks cffi for ``hb_codepoint_t[N]`` arrays, N the glyph count of each font;
    cffi parses every new type string with pycparser (5–10 ms each: a quarter of a first PDF's time). The same
    array as ``hb_codepoint_t[]`` (its length taken from the values) is parsed once per process."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)

    def new(self, cdecl: str, init: Any = None) -> Any:
        if init is not None:
            cdecl = SIZED_ARRAY.sub("[]", cdecl)
        return self._ffi.new(cdecl, init)


def subset_arrays_parsed_once() -> None:
    from weasyprint.pdf import fonts

    if not isinstance(fonts.ffi, _OpenArrays):
        fonts.ffi = _OpenArrays(fonts.ffi)


def font_files_read_when_needed() -> None:
    """Each PDF's ``Font`` copies its font's whole file out of HarfBuzz into Python bytes when it is made
    (7 fonts, 53 MB a report: 7 % of a report's time), though only the subset is embedded (the subset is made
    from the HarfBuzz face, not from the copy). The copy is made when ``file_content`` is first read
    (a font that is not subset, a variable or colour font), from the same face, so it is the same bytes."""
    from weasyprint.pdf import fonts

    if isinstance(getattr(fonts.Font, "file_content", None), property):
        return
    read = fonts.get_hb_object_data
    make = fonts.Font.__init__
    making = threading.local()  # set while a Font is made, in this thread

    def data_of(hb_object, *args):
        """The one call while a Font is made is ``self.file_content = get_hb_object_data(self.hb_face)``."""
        if getattr(making, "font", False) and not args:
            return _NOT_READ
        return read(hb_object, *args)

    def __init__(self, pango_font, description, font_size):
        making.font = True
        try:
            make(self, pango_font, description, font_size)
        finally:
            making.font = False

    def file_content(self):
        data = self.__dict__["_file_content"]
        if data is _NOT_READ:
            data = self.__dict__["_file_content"] = read(self.hb_face)
        return data

    def set_file_content(self, data):
        self.__dict__["_file_content"] = data

    fonts.get_hb_object_data = data_of
    fonts.Font.__init__ = __init__
    fonts.Font.file_content = property(file_content, set_file_content)


_NOT_READ = object()


class _ScanPatterns(dict):
    """tinyhtml5's ``chars_until`` caches the pattern it builds for a set of characters under the wrong key
    (the compiled pattern instead of the characters: tinyhtml5 2.1.0), so it builds it again at every call:
    1,700 times a report, 55 % of the HTML parse. This cache answers the lookup by building the pattern as
    ``chars_until`` does, once per set of characters."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern:
        characters, opposite = key
        pattern = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            pattern = f"^{pattern}"
        compiled = self[key] = re.compile(f"[{pattern}]+")
        return compiled


def html_parser_regexes_cached() -> None:
    from tinyhtml5 import inputstream

    if type(getattr(inputstream, "characters_until_regex", None)) is dict:
        inputstream.characters_until_regex = _ScanPatterns()


# Every type WeasyPrint 70 gives ffi.new / ffi.cast as a string (hb_codepoint_t[N] made [] by _OpenArrays).
WEASYPRINT_TYPES = (
    "PangoRectangle *",
    "unsigned int *",
    "PangoFcFontMap *",
    "hb_codepoint_t[]",
    "hb_tag_t[100]",
    "char[]",
    "char[4]",
    "PangoLogAttr[]",
    "FcResult *",
    "FcChar8 **",
)


def types_parsed_together(ffi: Any) -> None:
    """cffi parses each new type string with pycparser, after a line for each of the 215 typedefs WeasyPrint
    declares (3–6 ms a type, 0.03 s of a first PDF). Parsed together as the parameters of one declaration, as
    cffi's ``parse_type`` parses one, the typedefs are read once; each type is then cached where ``ffi.new``
    looks it up first. A type that is missing or fails is left to cffi, as before."""
    import cffi  # type: ignore[import-untyped]

    if cffi.__version__ != CFFI_MEASURED_ON:
        return
    parser = ffi._parser
    with ffi._lock:
        todo = [cdecl for cdecl in WEASYPRINT_TYPES if cdecl not in ffi._parsed_types]
        if not todo:
            return
        try:
            declarations = ",\n".join(todo)
            ast = parser._parse(f"void __dummy(\n{declarations}\n);")[0]
            parameters = ast.ext[-1].type.args.params
            types = [parser._get_type_and_quals(parameter.type)[0] for parameter in parameters]
        except Exception:  # an unknown type: cffi parses each one when it is first asked for, as before
            return
        for cdecl, tp in zip(todo, types, strict=True):
            if not tp.is_raw_function:
                ffi._parsed_types[cdecl] = ffi._get_cached_btype(tp), False


# Reused across calls and reports (a warm process: a batch, a run of several reports). Each result is given
# again only for the same inputs, the style properties compared one by one; nothing layout changes later is
# shared. Tested in tests/test_pdf_warm.py.


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


STYLE_ATTRIBUTES_KEPT = 10_000


def style_attributes_shared() -> None:
    """WeasyPrint computes one style for all the elements that have the same parent style, the same matching
    rules and the same declarations of their own; but it compares the declarations of ``style`` attributes as
    objects, parsed again for each element, so two ``<col style="width:6.67%">`` never share theirs and each gets
    its style computed, property by property. Here the declarations parsed first for a ``style`` attribute's
    text are given for every attribute with the same text, so WeasyPrint's own sharing applies to them (their
    styles are computed from the same values: the same style).
    Measured (examples, load 2.4): 6–13 ms CPU less per report on the page a browser gets (a batch unit's PDF is
    made from it: each row label has a ``style``), 2–5 ms on the page ``render_pdf`` makes without them."""
    from weasyprint import css

    find = css.find_style_attributes
    if getattr(find, "shared", False):
        return
    parsed: dict[str, Any] = {}

    def find_style_attributes(tree, presentational_hints=False, base_url=None):
        for specificity, element, found, url in find(tree, presentational_hints, base_url):
            declarations = found
            if specificity == (1, 0, 0) and isinstance(text := element.get("style"), str):
                if len(parsed) >= STYLE_ATTRIBUTES_KEPT:
                    parsed.clear()
                declarations = parsed.setdefault(text, found)
            yield specificity, element, declarations, url

    find_style_attributes.shared = True  # type: ignore[attr-defined]
    css.find_style_attributes = find_style_attributes
