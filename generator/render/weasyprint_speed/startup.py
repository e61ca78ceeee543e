"""Start-up: WeasyPrint imported without a library search per name (Linux), and with what a report does not
need at start (fontTools' rare-font parts, WeasyPrint's own user-agent sheets) loaded on first use."""

from __future__ import annotations

import contextlib
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

from ..user_cache import read_cached, write_cached


@contextlib.contextmanager
def file_names_only():
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
def loaded_on_first_use(*names: str):
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
def user_agent_sheets_parsed_on_first_use(measured_on: str):
    """WeasyPrint's ``html`` module parses three stylesheets when it is imported (the HTML5 user-agent sheet,
    its form rules and the presentational hints: 36 ms CPU of every start); a report page uses its own
    (templates/report-ua.css, ``ReportPage`` in pdf.py), so they are parsed on their first use instead (the
    batch roll-up and doctor's samples, through ``html_to_pdf``). Only the user-agent sheet's 49 @counter-style
    rules are read at the import (7 ms), into the counter styles every page starts from (``UA_COUNTER_STYLE``)."""
    finder = _HtmlModuleFinder(measured_on)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


class _HtmlModuleFinder(importlib.abc.MetaPathFinder):
    """Finds ``weasyprint.html`` as the usual path finder does; its module runs with ``CSS`` deferring the parse."""

    def __init__(self, measured_on: str) -> None:
        self.measured_on = measured_on

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
            if package.__version__ != self.measured_on:
                return execute(module)
            package.CSS = _parsed_on_first_use(css, self.measured_on)
            try:
                execute(module)
            finally:
                package.CSS = module.CSS = css

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _parsed_on_first_use(css: Any, version: str) -> Any:
    """A ``CSS`` that stores its text and parses it when an attribute is first read (then it is a ``CSS``)."""
    lock = threading.Lock()

    class ParsedOnFirstUse(css):
        def __init__(self, string: str, counter_style: Any = None) -> None:
            if counter_style is not None:  # filled now; the whole sheet is parsed later with a throwaway one
                counter_style.update(_counter_styles(css, "\n".join(COUNTER_STYLE_RULE.findall(string)), version))
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


def _counter_styles(css: Any, rules: str, version: str) -> dict:
    """The @counter-style ``rules`` as ``css`` parses them, kept in the user's cache folder (6.4 ms → 0.1 ms;
    plain data: names, and tinycss2's tokens for the descriptors)."""
    import tinycss2  # type: ignore[import-untyped]

    if not rules:  # the form rules have none
        return {}
    versions = f"{sys.version} {version} {tinycss2.__version__} {rules}"
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
