"""Issue 17, round 2: county messes of the kinds a reviewer brings, each handled and said where the user looks.

A locked file, an unreadable subfolder, expected lists as text (BOM, GBK, blank lines), units of two years,
a unit renamed since last year (撤乡设镇), a unit filing a form and a data file, 100+ units with one bad file.
Every folder is built here from the bench's synthetic units.
"""
from __future__ import annotations

import os
import pathlib
import random
from dataclasses import replace
from pathlib import Path

from helpers import make_roster_module, run_cli
from openpyxl import Workbook, load_workbook

from generator.app.cli import main
from generator.inputs.datafile import dump_yaml

_module = make_roster_module()
synthetic_report, typed = _module.synthetic_report, _module.typed

COUNTY = "示例县人民政府"


def unit(i: int, name: str, year: int = 2025, parent: str = COUNTY):
    report = synthetic_report(i, year, random.Random(31 + i))
    return report.evolve(agency=replace(report.agency, name=name, parent=parent))


def write(path: Path, report) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(report), encoding="utf-8")
    return path


def batch(*argv) -> int:
    return main(["batch", *map(str, argv)])


def units_sheet(out: Path) -> dict[str, dict]:
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rows = book["各单位"].iter_rows(values_only=True)
    header = next(rows)
    units = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    book.close()
    return units


def set_aside(out: Path) -> dict[str, str]:
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rows = {r[0]: r[1] for r in book["未读取的文件"].iter_rows(min_row=2, values_only=True)}
    book.close()
    return rows


def test_a_locked_file_costs_only_its_unit_and_says_why(tmp_path, monkeypatch, capsys):
    """A file Word/WPS holds open (or without read permission) is that unit's error, never the end of the batch."""
    folder, out = tmp_path / "各镇", tmp_path / "out"
    write(folder / "东山镇.yaml", unit(1, "东山镇人民政府"))
    locked = write(folder / "南岭镇.yaml", unit(2, "南岭镇人民政府"))
    real_read, real_open = pathlib.Path.read_bytes, pathlib.Path.open

    def deny(path):
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: deny(self) or real_read(self))
    monkeypatch.setattr(pathlib.Path, "open", lambda self, *a, **k: deny(self) or real_open(self, *a, **k))
    assert batch(folder, "-o", out, "-j", 1) == 1
    printed = capsys.readouterr().out
    units = units_sheet(out)
    assert units["东山镇人民政府"]["状态"] == "已提交且通过"
    assert units["南岭镇"]["状态"] == "有错误" and units["南岭镇"]["采用的数据"] == "南岭镇.yaml"
    assert "没有读取这个文件的权限" in printed and "其他程序中打开" in printed
    assert "--ignore-errors" not in printed  # a draft cannot hold a file that was never read
    assert (out / "汇总-2025年度.html").exists()


def test_a_subfolder_that_cannot_be_opened_is_named(tmp_path, monkeypatch):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    write(folder / "东山镇.yaml", unit(1, "东山镇人民政府"))
    write(folder / "三组" / "西山乡.yaml", unit(2, "西山乡人民政府"))
    (folder / "链接").symlink_to(folder / "三组", target_is_directory=True)
    real_scandir = os.scandir

    def scandir(path="."):
        if isinstance(path, str | os.PathLike) and Path(path).name == "三组":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert batch(folder, "-o", out, "-j", 1) == 0
    aside = set_aside(out)
    assert "没有权限" in aside["三组/"] and "快捷方式" in aside["链接/"]
    assert set(units_sheet(out)) == {"东山镇人民政府"}
