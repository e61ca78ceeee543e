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
