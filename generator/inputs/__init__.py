"""Inputs: every way a report's data arrives (data file, Excel form, published report) ends in a Report."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..limits import check_size
from .sniff import SCAN_SUFFIXES

__all__ = ["DATA_SUFFIXES", "FORM_SUFFIXES", "REPORT_SUFFIXES", "SCAN_SUFFIXES", "InputError", "load_report"]

DATA_SUFFIXES = (".yaml", ".yml", ".json")
FORM_SUFFIXES = (".xlsx", ".xlsm")
REPORT_SUFFIXES = (".docx", ".html", ".htm", ".txt", ".pdf")
OTHER_DOCUMENTS = (".doc", ".wps", ".dot", ".mht", ".mhtml")  # refused with advice by sniff.check_report_file


def load_report(path: str | Path, previous=None):
    """Read any supported input into a Report, choosing the reader by the file's extension. ``previous`` (last
    year's Report) helps the importer settle a published report's cells run together."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"{path} 是文件夹，请给出一个数据文件、填报表或年度报告文件。")
    check_size(path, "输入文件")  # a pipe or device would block every reader; a file of gigabytes is refused unread
    suffix = path.suffix.lower()
    if suffix in DATA_SUFFIXES:
        from .datafile import read_data_file

        return read_data_file(path)
    if suffix in FORM_SUFFIXES or suffix in (".xls", ".et", ".ett"):  # the last three get "save as .xlsx" advice
        from .excel import read_form

        return read_form(path)
    if suffix in (
        *REPORT_SUFFIXES,
        *SCAN_SUFFIXES,
        *OTHER_DOCUMENTS,
    ):  # the importer refuses OTHER_DOCUMENTS with advice
        from .importer import import_report

        return import_report(path, previous)
    raise InputError(
        f"{path.name}：不支持的文件类型「{suffix or '无扩展名'}」。"
        f"可用：数据文件 {'/'.join(DATA_SUFFIXES)}，填报表 .xlsx，年度报告 .docx/.html/.txt/.pdf 或扫描图片 .png/.jpg。"
    )
