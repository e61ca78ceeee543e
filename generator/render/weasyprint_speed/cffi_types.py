"""cffi types: the C types WeasyPrint asks for parsed in one go, and font subsetting's arrays parsed once."""

from __future__ import annotations

import re
from typing import Any

from .cdef_cache import CFFI_MEASURED_ON

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
