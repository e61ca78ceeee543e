"""WeasyPrint made faster without changing a byte of its PDFs (checked by bench/pdf_sameness.py).

This facade imports WeasyPrint (``import_weasyprint``) and applies the changes (``speed_up``), each to the
version it was measured on (``MEASURED_ON``, ``CFFI_MEASURED_ON``) only; any other version runs unchanged.
The changes, by the stage of a PDF they speed up:

- ``startup``: the libraries loaded by their file names, without a search per name (Linux); the parts of
  fontTools used only for rare fonts, and WeasyPrint's own user-agent sheets, loaded on first use.
- ``cdef_cache``: cffi's parse of WeasyPrint's C declarations kept between runs in the user's cache folder.
- ``cffi_types``: the C types WeasyPrint asks cffi for parsed in one go, the subsetting arrays parsed once.
- ``html_parser``: the HTML parser's text-scanning patterns built once, not at every call.
- ``layout``: line splits, struts and percentages of a warm process reused or computed directly.
- ``fonts``: a font's whole file copied out of HarfBuzz only if it is used whole.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

from . import startup
from .cdef_cache import CFFI_MEASURED_ON, declarations_cached
from .cffi_types import WEASYPRINT_TYPES, subset_arrays_parsed_once, types_parsed_together
from .fonts import font_files_read_when_needed
from .html_parser import html_parser_regexes_cached
from .layout import line_splits_reused, percentages_resolved_inline, struts_remembered

MEASURED_ON = "70.0"
__all__ = ["CFFI_MEASURED_ON", "MEASURED_ON", "WEASYPRINT_TYPES", "import_weasyprint", "speed_up"]


def import_weasyprint() -> Any:
    """``import weasyprint``: on Linux first with ``find_library`` switched off (``startup.file_names_only``), and
    with the parts of fontTools it needs only for rare fonts loaded on first use (``startup.loaded_on_first_use``),
    its own user-agent stylesheets parsed on first use (``startup.user_agent_sheets_parsed_on_first_use``: 36 ms)
    and cffi's parse of its C declarations read from the user's cache (``cdef_cache``: 70 ms).
    Where that fails (a system where only a library search finds the libraries), or on a WeasyPrint version
    these were not measured on, it is imported again the usual way."""
    try:
        with (
            startup.file_names_only(),
            startup.loaded_on_first_use(*startup.FONTTOOLS_FOR_RARE_FONTS),
            startup.user_agent_sheets_parsed_on_first_use(MEASURED_ON),
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
