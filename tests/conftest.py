"""Shared fixtures: the bundled examples, a quick way to build reports, and the external-tool markers."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

TOOLS = {  # marker -> (commands, one of which must be on PATH; how to get it)
    "libreoffice": (
        ("soffice", "libreoffice"),
        "LibreOffice：make test 会安装（libreoffice-writer-nogui、libreoffice-calc-nogui）",
    ),
    "poppler": (("pdftotext", "pdftoppm", "pdffonts"), "poppler：make test 会安装（poppler-utils）"),
    "tmux": (("tmux",), "tmux：make test 会安装（tmux）"),
    "chromium": (("chromium", "chromium-browser", "google-chrome"), "Chromium：make test 会安装（chromium）"),
}


OCR_MISSING = "跳过：未安装 OCR 组件（pip install nianbao[ocr]；make test 会安装）"


def pytest_configure(config):
    for marker, (_, how) in TOOLS.items():
        config.addinivalue_line("markers", f"{marker}: needs {marker} on PATH ({how})")
    config.addinivalue_line("markers", "ocr: needs the OCR extra (pip install nianbao[ocr])")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for marker, (commands, how) in TOOLS.items():
        if item.get_closest_marker(marker) and not any(shutil.which(c) for c in commands):
            pytest.skip(f"跳过：缺少 {commands[0]}（{how}）")
    if item.get_closest_marker("ocr"):
        from generator.inputs.importer.scan import available

        if not available():
            pytest.skip(OCR_MISSING)


EXAMPLES = ROOT / "examples"
BUSY = EXAMPLES / "青石街道-2025.yaml"
YINGLIN = EXAMPLES / "英林镇-2020.yaml"
MEIYANG = EXAMPLES / "嵋阳镇-2021.yaml"
BROKEN = EXAMPLES / "错误示例-2022.yaml"


def example_dict(path: Path = BUSY) -> dict:
    from generator.inputs.datafile import _StringDateLoader

    return yaml.load(path.read_text(encoding="utf-8"), Loader=_StringDateLoader)


@pytest.fixture
def busy_dict() -> dict:
    return copy.deepcopy(example_dict(BUSY))


@pytest.fixture
def busy_report():
    from generator.inputs.datafile import read_data_file

    return read_data_file(BUSY)


def report_of(data: dict):
    from generator.inputs.datafile import report_from_dict

    return report_from_dict(data)


def rules_of(findings) -> set[str]:
    return {f.rule for f in findings}
