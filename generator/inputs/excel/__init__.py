"""The Excel form (填报表) a clerk fills in Excel or WPS: writing it, reading it back, ``nianbao form``.

- ``write_form`` — a blank form, or one pre-filled from a report (``nianbao convert DATA.yaml -o FORM.xlsx``).
- ``read_form`` — a filled form as a Report (``nianbao check / render / convert FORM.xlsx``).

The layout lives in ``layout``, writing in ``write``, reading in ``read``. Finding ids of
the form itself (besides the checker's): F-1 a required field is missing or invalid (机关名称, 发布日期,
是否收取信息处理费), F-2 a total's formula was deleted or changed.
"""

from __future__ import annotations

from pathlib import Path

from ...formats import Format
from ...outputs import safe_filename, write_atomic
from ...report import Report
from .read import read_form
from .write import form_bytes

__all__ = ["default_name", "form_bytes", "read_form", "write_form"]


def write_form(
    path: Path, fmt: Format, report: Report | None = None, force: bool = False, carried_from: int | None = None
) -> None:
    """Write the form for ``fmt``: blank, or pre-filled from ``report`` (its numbers, texts and year);
    ``carried_from``: its prose is that year's report's, marked for review."""
    write_atomic(Path(path), form_bytes(fmt, report, carried_from), force=force)


def default_name(fmt: Format, year: int | None = None, agency: str = "") -> str:
    if year is None:
        return f"填报表-{fmt.key}格式.xlsx"
    return safe_filename(f"{agency}填报表-{year}") + ".xlsx"
