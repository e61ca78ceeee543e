"""cffi's reading of a library's C declarations, kept between runs (in ``user_cache``).

WeasyPrint declares 215 C types and functions with ``ffi.cdef(…)`` when it is imported; cffi parses them with
pycparser every time (36 ms CPU), after importing pycparser (35 ms: its lexer compiles its patterns), and it
parses again each type string a PDF asks for (``ffi.new("PangoRectangle *")``). What the parse leaves is plain
Python objects (cffi's ``model`` types): they are pickled once and read back at the next start (1 ms), together
with the type strings given, and pycparser is imported only if something still needs it (a cache miss, a type
string not given). Measured on cffi 2.1.1 with pycparser 3.12: 0.07 s CPU less at every start of a PDF.

The cache is keyed by the Python, cffi and pycparser versions and the exact declarations and type strings; it
is used with the cffi version it was measured on (``CFFI_MEASURED_ON``) only, for an ``FFI`` whose first
``cdef`` it is. Whatever fails (no cache folder, a damaged file, another version) leaves cffi to parse, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import pickle
import re
import sys
import types
from typing import Any

from ..user_cache import read_cached, write_cached

CFFI_MEASURED_ON = "2.1.1"
FORMAT = 1  # of the cached file: changed when what is pickled changes
PYCPARSER_VERSION = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)


@contextlib.contextmanager
def declarations_cached(type_strings: tuple[str, ...]):
    """While a library is imported: an ``FFI``'s first ``cdef`` is read from the cache (written there when it
    is missing), with the types of ``type_strings`` parsed already; pycparser is imported on first use."""
    import cffi  # type: ignore[import-untyped]

    pycparser = _pycparser_version()
    if cffi.__version__ != CFFI_MEASURED_ON or pycparser is None:
        yield
        return
    _import_pycparser_on_first_use()
    cdef = cffi.FFI.cdef
    versions = f"{FORMAT} {sys.version} cffi {cffi.__version__} pycparser {pycparser}"

    def cached_cdef(ffi: Any, csource: Any, override: bool = False, packed: bool = False, pack: Any = None) -> None:
        if override or packed or pack or not isinstance(csource, str) or ffi._cdefsources:
            cdef(ffi, csource, override=override, packed=packed, pack=pack)
            return
        key = hashlib.sha256("\0".join([versions, csource, *type_strings]).encode()).hexdigest()
        name = f"cffi-{key[:32]}.pickle"
        if not _read(ffi, csource, name):
            cdef(ffi, csource)
            _write(ffi, type_strings, name)

    cffi.FFI.cdef = cached_cdef
    try:
        yield
    finally:
        cffi.FFI.cdef = cdef


def _pycparser_version() -> str | None:
    """pycparser's version read from its ``__init__.py`` (importing it is what is saved; importlib.metadata
    takes 20 ms)."""
    try:
        spec = importlib.util.find_spec("pycparser")
        with open(spec.origin, encoding="utf-8") as init:  # type: ignore[union-attr, arg-type]
            found = PYCPARSER_VERSION.search(init.read())
    except (ImportError, OSError, AttributeError, TypeError, ValueError):
        return None
    return found.group(1) if found else None


def _import_pycparser_on_first_use() -> None:
    """``cffi.cparser`` imports pycparser at its top: it is given a stand-in that imports it when first used."""
    if "cffi.cparser" in sys.modules or "pycparser" in sys.modules:
        return
    stand_in = _PycparserOnFirstUse("pycparser")
    sys.modules["pycparser"] = stand_in
    try:
        import cffi.cparser  # type: ignore[import-untyped]  # noqa: F401
    finally:
        if sys.modules.get("pycparser") is stand_in:
            del sys.modules["pycparser"]


class _PycparserOnFirstUse(types.ModuleType):
    """Stands in for pycparser in ``cffi.cparser``: the first name read from it imports pycparser and copies
    its names (later reads find them at once)."""

    def __getattr__(self, name: str) -> Any:
        self.__dict__.update(vars(importlib.import_module("pycparser")))
        return self.__dict__[name] if name in self.__dict__ else super().__getattribute__(name)


def _read(ffi: Any, csource: str, name: str) -> bool:
    """Give ``ffi`` the declarations of ``csource`` from the cache, as ``ffi.cdef`` would; False on a miss."""
    data = read_cached(name)
    if data is None:
        return False
    try:
        state, types = pickle.loads(data)
        if not _parser_state_names(ffi) <= set(state) or not isinstance(state["_declarations"], dict):
            return False
        with ffi._lock:
            built = {type_string: ffi._get_cached_btype(model_type) for type_string, model_type in types.items()}
    except Exception:  # a damaged or foreign file: cffi parses (nothing is changed yet)
        return False
    with ffi._lock:
        ffi._cdef_version = object()
        vars(ffi._parser).update(state)
        ffi._cdefsources.append(csource)
        for type_string, backend_type in built.items():
            ffi._parsed_types[type_string] = backend_type, False
    return True


def _write(ffi: Any, type_strings: tuple[str, ...], name: str) -> None:
    """Cache what ``ffi.cdef`` left, and the types of ``type_strings`` (parsed by cffi, one by one, as a PDF
    would ask for them), pickled together: a struct is one object in both, as cffi requires."""
    parser = ffi._parser
    if parser._recomplete:  # types cffi completes later: not a plain state to copy
        return
    types = {}
    for type_string in type_strings:
        try:
            model_type = parser.parse_type(type_string)
        except Exception:  # not a type of these declarations: left to cffi
            continue
        if not model_type.is_raw_function:
            types[type_string] = model_type
    state = {name: value for name, value in vars(parser).items() if name != "_structnode2type"}
    try:
        data = pickle.dumps((state, types), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something that does not pickle: nothing cached
        return
    write_cached(name, data)


def _parser_state_names(ffi: Any) -> set[str]:
    """What cffi's parser holds (a parse adds to it), but the map from pycparser's syntax nodes (weak: empty
    once the parse is over)."""
    return set(vars(ffi._parser)) - {"_structnode2type"}
