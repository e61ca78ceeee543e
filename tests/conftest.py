"""Shared fixtures: the bundled examples and a quick way to build reports from data-file dicts."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
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
