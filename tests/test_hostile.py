"""Hostile and faulty input, full disks and Ctrl-C (issue 10), through the real command.

Each category is parametrised; every case runs ``python -m generator`` and asserts the exit code, a Chinese
message naming the place (file, line and column, sheet and cell, or field), no traceback, no temporary file
left behind and no live formula in any workbook written. Zip bombs are refused from the central directory;
their peak memory is measured in a fresh process.
"""

from __future__ import annotations

import copy
import errno
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import BUSY, example_dict
from helpers import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.app.cli import main
from generator.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK
from generator.formats import AMOUNT, COUNT, FORMAT_2021, SIGNED
from generator.inputs.datafile import read_data_file, report_from_dict, report_to_dict, write_data_file
from generator.inputs.excel import form_bytes, read_form
from generator.inputs.excel.layout import SHEET_BASIC, SHEET_PROSE, SHEET_REQUESTS, layout
from generator.inputs.roster import ROSTER_SHEET, iter_roster, roster_columns, write_roster
from generator.limits import MAX_RATIO, check_zip
from generator.numbers import MAX_MAGNITUDE, parse_number
from generator.outputs import MAX_NAME_BYTES, safe_filename

NUMBER_CELL = "requests.new.natural"  # 三、依申请公开 · 一、本年新收 · 自然人
NUMBER_PLACE = "本年新收政府信息公开申请数量"


def clean(run, code: int) -> str:
    """The run ended with ``code`` and no traceback; its whole output."""
    text = run.out + run.err
    assert "Traceback" not in text, text
    assert run.code == code, (run.code, text)
    return text


def no_temp_files(folder: Path) -> None:
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")], list(folder.rglob("*"))


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def busy(**changes) -> dict:
    """The busy example as a dict, with ``changes`` (dotted paths) applied."""
    data = copy.deepcopy(example_dict(BUSY))
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return data


# --- formula injection ---------------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://x","点此查看")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    "＝1+1",
    "  =1+2",
]


def formulas(xlsx: Path) -> set[tuple[str, str, str]]:
    """Every formula in a workbook, from its XML: (part, cell, formula)."""
    found = set()
    with zipfile.ZipFile(xlsx) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode("utf-8")
                for ref, formula in re.findall(r'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*?<f[^>]*>(.*?)</f>', xml, re.S):
                    found.add((name, ref, formula))
                assert not re.search(r'<c [^>]*t="(str|e)"', xml), "a cell holds a formula result or an error"
    return found


def assert_text_cell(cell, expected: str) -> None:
    assert cell.value == expected and cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    if expected.lstrip(" \u3000").startswith(("=", "+", "-", "@", "\t", "\r", "＝")):
        assert cell.quotePrefix, cell.coordinate  # Excel shows it as text, even after editing the cell


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_form_keeps_user_text_as_text(payload, tmp_path):
    data = busy(
        **{"agency.name": payload, "agency.phone": payload, "prose.problems": payload, "requests.new.natural": payload}
    )
    source = write_yaml(tmp_path / "数据.yaml", data)
    form = tmp_path / "填报表.xlsx"
    clean(run_cli("convert", source, "-o", form), EXIT_FINDINGS)  # the text typed for a number is an R0-1 error
    blank = tmp_path / "空白.xlsx"
    clean(run_cli("form", "--year", "2025", "-o", blank), EXIT_OK)
    assert {(p, c) for p, c, _ in formulas(form)} == {(p, c) for p, c, _ in formulas(blank)}  # only our totals

    book = load_workbook(form)
    slots = layout(FORMAT_2021).slots
    name = payload.strip()  # agency fields are stripped when read; prose keeps its spaces
    assert_text_cell(book[SHEET_BASIC][slots["agency.name"].coord], name)
    assert_text_cell(book[SHEET_BASIC][slots["agency.phone"].coord], name)
    assert_text_cell(book[SHEET_PROSE][slots["prose.problems"].coord], payload)
    assert_text_cell(book[SHEET_REQUESTS][slots[NUMBER_CELL].coord], payload)

    back = tmp_path / "回读.yaml"
    clean(run_cli("convert", form, "-o", back), EXIT_FINDINGS)
    again = yaml.safe_load(back.read_text(encoding="utf-8"))
    assert again["agency"]["name"] == name and again["requests"]["new"]["natural"] == payload.strip()


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_roster_keeps_user_text_as_text(payload, tmp_path):
    report = read_data_file(BUSY)
    report = report.evolve(
        agency=replace(report.agency, name=payload.strip(), phone=payload.strip()),
        prose={**report.prose, "problems": payload},
        unread={NUMBER_CELL: payload},
        numbers={k: v for k, v in report.numbers.items() if k != NUMBER_CELL},
    )
    path = tmp_path / "汇总.xlsx"
    write_roster(path, FORMAT_2021, False, [report])
    assert formulas(path) == set()
    sheet = load_workbook(path)[ROSTER_SHEET]
    column = {c.key: i for i, c in enumerate(roster_columns(FORMAT_2021), start=1)}
    assert_text_cell(sheet.cell(3, column["agency.name"]), payload.strip())
    assert_text_cell(sheet.cell(3, column["prose.problems"]), payload)
    assert_text_cell(sheet.cell(3, column[NUMBER_CELL]), payload)
    ((_, again),) = list(iter_roster(path))
    assert again.agency.name == payload.strip() and again.unread[NUMBER_CELL] == payload.strip()
    clean(run_cli("batch", path, "-o", tmp_path / "输出", "-j", "1", "--to", "html"), EXIT_FINDINGS)
    no_temp_files(tmp_path / "输出")


# --- numbers -------------------------------------------------------------------------------------

BIG = "1" + "0" * 5000
YAML_NUMBERS = {  # typed in the data file → words of the R0-1 message
    ".inf": "不是有效的数字",
    "-.inf": "不是有效的数字",
    ".nan": "不是有效的数字",
    "1.0e+309": "数字太大",
    BIG: "数字太大",
    "1e309": "不是数字",
    "9" * 16: "数字太大",
    '"１２３４５６７８９０１２３４５６"': "数字太大",
    "10**5000": "不是数字",
    "1.0e-999999999": "整数",
}
JSON_NUMBERS = {
    "Infinity": "不是有效的数字",
    "-Infinity": "不是有效的数字",
    "NaN": "不是有效的数字",
    "1e309": "数字太大",
    BIG: "数字太大",
    "-" + BIG: "数字太大",
    "1e-999999999": "整数|小数位数太多",
}


def _data_text(data: dict, cell: str, literal: str, as_json: bool) -> str:
    """The data file with ``literal`` written verbatim as the value of ``cell``."""
    marker = 424242
    table, row, col = cell.split(".")
    data[table].setdefault(row, {})[col] = marker
    text = json.dumps(data, ensure_ascii=False) if as_json else yaml.safe_dump(data, allow_unicode=True)
    return text.replace(str(marker), literal)


@pytest.mark.parametrize("literal", YAML_NUMBERS, ids=[k[:12] for k in YAML_NUMBERS])
def test_yaml_number_cells(literal, tmp_path):
    path = tmp_path / "数据.yaml"
    path.write_text(_data_text(busy(), NUMBER_CELL, literal, False), encoding="utf-8")
    text = clean(run_cli("check", path), EXIT_FINDINGS)
    line = next(line for line in text.splitlines() if "[R0-1 " in line)
    assert NUMBER_PLACE in line and "自然人" in line and YAML_NUMBERS[literal] in line and len(line) < 300


@pytest.mark.parametrize("literal", JSON_NUMBERS, ids=[k[:12] for k in JSON_NUMBERS])
@pytest.mark.parametrize("cell", [NUMBER_CELL, "active.fees.amount"])
def test_json_number_cells(literal, cell, tmp_path):
    path = tmp_path / "数据.json"
    path.write_text(_data_text(busy(), cell, literal, True), encoding="utf-8")
    text = clean(run_cli("check", path), EXIT_FINDINGS)
    line = next(line for line in text.splitlines() if "[R0-1 " in line)
    assert re.search(JSON_NUMBERS[literal], line) and ("自然人" in line or "收费金额" in line), line


def _replace_in_sheets(data: bytes, old: bytes, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info, body.replace(old, new) if info.filename.startswith("xl/worksheets/") else body)
    return out.getvalue()


XLSX_NUMBERS = {
    b"inf": "不是数字",
    b"NaN": "不是数字",
    b"1e309": "不是有效的数字",
    b"-1e400": "不是有效的数字",
    BIG.encode(): "数字太大",
    b"1E+15": "数字太大",
    b"1e-300": "整数",
}


@pytest.mark.parametrize("value", XLSX_NUMBERS, ids=[k[:12].decode() for k in XLSX_NUMBERS])
def test_form_number_cells(value, tmp_path):
    report = read_data_file(BUSY)
    report = report.evolve(numbers={**report.numbers, NUMBER_CELL: 424242})
    path = tmp_path / "填报表.xlsx"
    path.write_bytes(_replace_in_sheets(form_bytes(FORMAT_2021, report), b"<v>424242</v>", b"<v>" + value + b"</v>"))
    text = clean(run_cli("check", path), EXIT_FINDINGS)
    ref = layout(FORMAT_2021).slots[NUMBER_CELL].coord
    line = next(line for line in text.splitlines() if "[R0-1 " in line)
    assert f"工作表「{SHEET_REQUESTS}」单元格 {ref}" in line and XLSX_NUMBERS[value] in line, line


@pytest.mark.parametrize("value", [b"inf", b"NaN", BIG.encode(), b"1e309", b"1E+20"])
def test_form_totals_cached_as_nonsense_are_not_compared(value, tmp_path):
    """A total's value as if a spreadsheet had computed it: NaN, infinite or huge is no number to compare."""
    path = tmp_path / "填报表.xlsx"
    path.write_bytes(
        _replace_in_sheets(form_bytes(FORMAT_2021, read_data_file(BUSY)), b"</f><v></v>", b"</f><v>" + value + b"</v>")
    )
    text = clean(run_cli("check", path), EXIT_OK)
    assert "校验通过" in text


@pytest.mark.parametrize("value", [b"inf", b"NaN", BIG.encode(), b"1e309"], ids=["inf", "nan", "big", "1e309"])
def test_roster_number_cells(value, tmp_path):
    report = read_data_file(BUSY)
    report = report.evolve(numbers={**report.numbers, NUMBER_CELL: 424242})
    path = tmp_path / "汇总.xlsx"
    write_roster(path, FORMAT_2021, False, [report])
    path.write_bytes(_replace_in_sheets(path.read_bytes(), b"<v>424242</v>", b"<v>" + value + b"</v>"))
    ((_, read),) = list(iter_roster(path))
    column = next(i for i, c in enumerate(roster_columns(FORMAT_2021), start=1) if c.key == NUMBER_CELL)
    finding = next(f for f in read.read_findings if f.rule == "R0-1")
    from openpyxl.utils import get_column_letter

    assert f"工作表「{ROSTER_SHEET}」单元格 {get_column_letter(column)}3" in finding.where
    text = clean(run_cli("batch", path, "-o", tmp_path / "输出", "-j", "1", "--to", "html"), EXIT_FINDINGS)
    assert "R0-1" in text


def test_amount_with_many_digits_survives_every_round_trip(tmp_path):
    amount = "12345678901234.5678901"  # 21 significant digits: a float keeps 17, a spreadsheet 15
    source = tmp_path / "数据.yaml"
    source.write_text(_data_text(busy(), "active.fees.amount", amount, False), encoding="utf-8")
    form, json_file, back = tmp_path / "表.xlsx", tmp_path / "数据.json", tmp_path / "回读.yaml"
    clean(run_cli("convert", source, "-o", form), EXIT_OK)
    clean(run_cli("convert", form, "-o", json_file), EXIT_OK)
    clean(run_cli("convert", json_file, "-o", back), EXIT_OK)
    for path in (source, json_file, back):
        assert read_data_file(path).numbers["active.fees.amount"] == Decimal(amount), path
    assert read_form(form).numbers["active.fees.amount"] == Decimal(amount)
    assert not read_form(form).read_findings


# --- data files ----------------------------------------------------------------------------------


def _nested(depth: int) -> str:
    return "{\"year\": 2025, \"agency\": {\"name\": \"x\"}, \"a\": " + "[" * depth + "]" * depth + "}"


DATA_FILES = {  # name → (file name, content, words the message must contain)
    "duplicate-yaml": ("d.yaml", "year: 2025\nagency:\n  name: 甲\n  phone: 1\n  name: 乙\n", "第 3 行和第 5 行"),
    "duplicate-json": ("d.json", '{"year": 2025, "year": 2024, "agency": {"name": "x"}}', "第 1 行第 2 列和第 16 列"),
    "duplicate-json-nested": (
        "d.json",
        '{"year": 2025,\n "requests": {"new": {"natural": 1,\n  "natural": 2}}}',
        "第 2 行和第 3 行",
    ),
    "deep-yaml": ("d.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n", "嵌套层数太多"),
    "deep-json": ("d.json", _nested(100_000), "嵌套层数太多"),
    "deep-yaml-block": ("d.yaml", "".join(f"{' ' * i}k{i}:\n" for i in range(60)), "第 50 行"),
    "surrogate-json": ("d.json", '{"year": 2025,\n "agency": {"name": "x\\ud800y"}}', "第 2 行"),
    "surrogate-yaml": ("d.yaml", 'year: 2025\nagency:\n  name: "x\\udc00"\n', "代理项"),
    "yaml-colon": ("d.yaml", "year: 2025\nagency:\n  name: 青石: 街道\n", "第 3 行第 11 列"),
    "yaml-indent": ("d.yaml", "year: 2025\nagency:\n  name: x\n phone: 1\n", "缩进"),
    "yaml-tab": ("d.yaml", "year: 2025\nagency:\n\tname: x\n", "Tab"),
    "yaml-quote": ("d.yaml", 'year: 2025\nagency:\n  name: "x\n', "引号"),
    "yaml-control": ("d.yaml", "year: 2025\nagency:\n  name: x\x1b[31my\n", "控制字符"),
    "yaml-alias-bomb": (
        "d.yaml",
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "别名",
    ),
    "yaml-many-values": ("d.yaml", "a: [" + "1," * 200_000 + "1]\n", "内容太多"),
    "yaml-two-documents": ("d.yaml", "year: 2025\n---\nyear: 2024\n", "多个文档"),
    "json-trailing-comma": ("d.json", '{"year": 2025,\n "agency": {"name": "x",}}', "第 2 行"),
    "json-unquoted": ("d.json", '{"year": 2025, agency: 1}', "双引号"),
    "gbk": ("d.yaml", "year: 2025\nagency:\n  name: 青石街道\n".encode("gb18030"), "GBK"),
    "utf-16": ("d.yaml", "year: 2025\n".encode("utf-16"), "UTF-16"),
    "too-large": ("d.yaml", None, "文件过大"),
    "folder": ("d.yaml", "folder", "文件夹"),
    "pipe": ("报告.docx", "fifo", "不是普通文件"),  # would block any reader
    "unknown-key-with-escape": ("d.yaml", 'year: 2025\nagency: {name: x}\n"\\e[2J\\e[31mkey": 1\n', "不认识的字段"),
    "huge-year": ("d.json", '{"year": ' + BIG + ', "agency": {"name": "x"}}', "year"),
}


@pytest.mark.parametrize("case", DATA_FILES)
def test_data_files(case, tmp_path):
    name, content, words = DATA_FILES[case]
    path = tmp_path / name
    if content is None:
        with path.open("wb") as handle:  # sparse: refused by its size, never read
            handle.truncate(3 * 1024**3)
    elif content == "folder":
        path.mkdir()
    elif content == "fifo":
        os.mkfifo(path)
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    started = time.monotonic()
    text = clean(run_cli("check", path, timeout=60), EXIT_INPUT)
    assert words in text and name in text, text
    assert "\x1b" not in text and len(text) < 2000
    assert time.monotonic() - started < 20


def test_duplicates_and_depth_inside_limits_are_fine(tmp_path):
    """The guards do not reject ordinary files: every example reads as before, also as JSON."""
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        as_json = tmp_path / f"{example.stem}.json"
        as_json.write_text(json.dumps(example_dict(example), ensure_ascii=False, default=str), encoding="utf-8")
        assert read_data_file(as_json).numbers == read_data_file(example).numbers


# --- resource limits: sizes and zip bombs --------------------------------------------------------


def _zip_with(base: bytes, member: str, size: int, fill: bytes = b"<c><v>1</v></c>") -> bytes:
    """``base`` with ``member`` replaced by ``size`` bytes of highly compressible XML (written in chunks)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info, src.read(info.filename))
        target = zipfile.ZipInfo(member)
        target.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(target, "w", force_zip64=True) as handle:
            chunk = fill * (1024 * 1024 // len(fill))
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return out.getvalue()


def _many_members(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(count):
            archive.writestr(f"xl/x{i}.xml", b"")
    return out.getvalue()


def peak(*args, timeout: float = 120) -> tuple[int, str, float, float]:
    """Run the command in a fresh process: (exit code, stderr, peak memory in MB, seconds)."""
    code = (
        "import resource, subprocess, sys, time; t = time.monotonic(); "
        "r = subprocess.run([sys.executable, '-m', 'generator', *sys.argv[1:]], capture_output=True, text=True); "
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t); "
        "print(r.stdout + r.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    first, _, output = proc.stdout.partition("\n")
    exit_code, rss_kb, seconds = first.split()
    return int(exit_code), output, int(rss_kb) / 1024, float(seconds)


BOMBS = {  # name → (file name, maker, words)
    "form-huge-member": (
        "表.xlsx",
        lambda: _zip_with(form_bytes(FORMAT_2021), "xl/worksheets/sheet2.xml", 1024**3),
        "文件解压后过大",
    ),
    "form-high-ratio": (
        "表.xlsx",
        lambda: _zip_with(form_bytes(FORMAT_2021), "xl/sharedStrings.xml", 60 * 1024**2, b" "),
        "压缩了",
    ),
    "form-many-members": ("表.xlsx", lambda: _many_members(20_000), "个文件"),
    "roster-huge-member": ("汇总.xlsx", None, "文件解压后过大"),
}


@pytest.mark.parametrize("case", BOMBS)
def test_zip_bombs_are_refused_quickly_in_little_memory(case, tmp_path):
    name, make, words = BOMBS[case]
    path = tmp_path / name
    if make is None:
        write_roster(path, FORMAT_2021, False, [read_data_file(BUSY)])
        path.write_bytes(_zip_with(path.read_bytes(), "xl/worksheets/sheet1.xml", 600 * 1024**2))
        command = ("batch", path, "-o", tmp_path / "输出", "-j", "1")
    else:
        path.write_bytes(make())
        command = ("check", path)
    code, output, megabytes, seconds = peak(*command)
    assert code == EXIT_INPUT and words in output and "Traceback" not in output, output
    assert megabytes < 300 and seconds < 10, (megabytes, seconds)
    print(f"{case}: {path.stat().st_size / 1024**2:.1f} MB file, peak {megabytes:.0f} MB, {seconds:.2f} s")


def test_a_multi_gigabyte_workbook_is_refused_by_its_size(tmp_path):
    path = tmp_path / "表.xlsx"
    with path.open("wb") as handle:
        handle.truncate(5 * 1024**3)
    code, output, megabytes, seconds = peak("check", path)
    assert code == EXIT_INPUT and "文件过大" in output and megabytes < 100 and seconds < 5, (output, megabytes)


def test_check_zip_is_the_guard_for_documents_and_templates(tmp_path):
    docx = tmp_path / "模板.docx"
    reference = (ROOT / "templates" / "reference.docx").read_bytes()
    docx.write_bytes(_zip_with(reference, "word/document.xml", 50 * 1024**2, b"<w:p/>"))
    with pytest.raises(Exception, match="文件解压后过大") as caught:
        check_zip(docx, what="模板")
    assert "模板.docx" in str(caught.value) and f"{MAX_RATIO} 倍" in str(caught.value)
    check_zip(ROOT / "templates" / "reference.docx", what="模板")  # an ordinary one passes
    check_zip(b"not a zip at all", what="模板")  # the caller's reader says what it is


# --- file names ----------------------------------------------------------------------------------

LONG_NAME = (
    "南京市江宁区人民政府办公室（南京市江宁区人民政府外事办公室、南京市江宁区人民政府港澳事务办公室、"
    "南京市江宁区人民政府民族和宗教事务局）"
)


def test_a_very_long_office_name_renders_under_a_short_unique_file_name(tmp_path):
    assert len(LONG_NAME) == 67
    other = LONG_NAME.replace("港澳事务", "侨务事务")  # differs in the middle only
    out = tmp_path / "输出"
    sources = [write_yaml(tmp_path / f"{i}.yaml", busy(**{"agency.name": n})) for i, n in enumerate((LONG_NAME, other))]
    clean(run_cli("render", *sources, "-o", out, "--to", "docx,html"), EXIT_OK)
    files = sorted(out.iterdir())
    assert len(files) == 4 and len({f.stem for f in files}) == 2, files  # two agencies, two distinct names
    for path in files:
        assert len(path.name.encode("utf-8")) <= 255 - 20 and path.name.startswith("南京市江宁区人民政府办公室")
        assert path.stem.endswith("2025年政府信息公开工作年度报告")
    html = next(f for f in files if f.suffix == ".html").read_text(encoding="utf-8")
    assert LONG_NAME in html or other in html  # the full title stays inside the document
    no_temp_files(out)


def test_file_names_drop_bidi_and_zero_width_characters(tmp_path):
    name = "青石\u202e街道\u200b办事处\u2066\ufeff"
    out = tmp_path / "输出"
    clean(
        run_cli("render", write_yaml(tmp_path / "a.yaml", busy(**{"agency.name": name})), "-o", out, "--to", "html"),
        EXIT_OK,
    )
    (path,) = out.iterdir()
    assert path.name == "青石街道办事处2025年政府信息公开工作年度报告.html"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=300), st.text(min_size=0, max_size=300))
def test_safe_filename_property(a, b):
    for text in (a, b):
        name = safe_filename(text)
        assert name and len(name.encode("utf-8")) <= MAX_NAME_BYTES
        assert not re.search(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]', name)
        assert not name.startswith((".", " ")) and not name.endswith((".", " "))
        assert safe_filename(text) == name
    if safe_filename(a) == safe_filename(b) and len(safe_filename(a).encode()) >= MAX_NAME_BYTES - 70:
        assert safe_filename(a + "x") != safe_filename(b + "y")  # long names keep a hash of the whole text


# --- single-report commands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "deadline, words",
    [
        ("02-30", "2 月没有 30 日"),
        ("02-29", "平年"),
        ("13-01", "没有 13 月"),
        ("abc", "月-日"),
        ("\x1b[31m01-31", "月-日"),
    ],
)
def test_bad_deadline(deadline, words):
    text = clean(run_cli("check", BUSY, "--deadline", deadline), EXIT_INPUT)
    assert words in text and "--deadline" in text and "\x1b" not in text


def test_output_naming_an_existing_file(tmp_path):
    target = tmp_path / "输出"
    target.write_text("不是文件夹", encoding="utf-8")
    text = clean(run_cli("render", BUSY, "-o", target, "--to", "html"), EXIT_INPUT)
    assert f"输出位置 {target} 是一个已有的文件" in text and target.read_text(encoding="utf-8") == "不是文件夹"


@pytest.fixture
def mounted(tmp_path):
    """Mount a tmpfs (options given to the returned function); skipped where mounting is not allowed."""
    points = []

    def mount(options: str) -> Path:
        point = tmp_path / f"mnt{len(points)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True, check=False
        )
        if done.returncode:
            pytest.skip(f"跳过：无法挂载 tmpfs（需要 root 权限）：{done.stderr.decode(errors='replace').strip()}")
        points.append(point)
        return point

    yield mount
    for point in points:
        subprocess.run(["umount", str(point)], capture_output=True, check=False)


def test_read_only_output_folder(mounted, tmp_path):
    folder = mounted("ro,size=1m")
    text = clean(run_cli("render", BUSY, "-o", folder / "输出", "--to", "docx,html"), EXIT_INPUT)
    assert "无法写入" in text and "只读" in text and "未完成" in text


def test_folder_without_write_permission(tmp_path, capsys, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main(["render", str(BUSY), "-o", str(tmp_path), "--to", "html"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "没有写入这个文件夹的权限" in err and str(tmp_path) in err
    assert not list(tmp_path.iterdir())


def test_full_disk_during_render_leaves_nothing_half_written(mounted):
    """The DOCX fits, the HTML after it does not: neither stays (all or nothing per input), nor a temp file."""
    from generator.render import render

    docx_pages = -(-len(render(read_data_file(BUSY), "docx")) // 4096)
    folder = mounted(f"size={4 * docx_pages + 8}k")
    text = clean(run_cli("render", BUSY, "-o", folder, "--to", "docx,html"), EXIT_INPUT)
    assert "磁盘空间不足" in text and "未完成" in text and "nianbao render" in text
    assert "html" in text.split("磁盘空间不足")[0] and not list(folder.iterdir())


def test_full_disk_in_the_middle_of_several_inputs(tmp_path, capsys, monkeypatch):
    from generator import outputs

    sources = [write_yaml(tmp_path / f"{n}.yaml", busy(**{"agency.name": n})) for n in ("甲镇人民政府", "乙镇人民政府")]
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:  # the first input's two files fit, the second input's first does not
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", fsync)
    out = tmp_path / "输出"
    assert main(["render", *map(str, sources), "-o", str(out), "--to", "docx,html"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and f"已完成：{sources[0]}。" in err and f"未完成：{sources[1]}（" in err
    assert sorted(p.name for p in out.iterdir()) == [
        "甲镇人民政府2025年政府信息公开工作年度报告.docx",
        "甲镇人民政府2025年政府信息公开工作年度报告.html",
    ]
    resume = shlex.split(err.strip().splitlines()[-1])
    assert resume[:3] == ["nianbao", "render", str(sources[1])]
    monkeypatch.undo()
    assert main(resume[1:]) == EXIT_OK
    assert len(list(out.iterdir())) == 4


def test_ctrl_c_during_render_says_what_is_done_and_how_to_go_on(tmp_path):
    sources = [
        write_yaml(tmp_path / f"单位{i:03}.yaml", busy(**{"agency.name": f"第{i:03}镇人民政府"})) for i in range(120)
    ]
    out = tmp_path / "输出"
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "render", *map(str, sources), "-o", str(out), "--to", "docx,html"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    stderr = proc.communicate(timeout=60)[1].decode("utf-8")
    assert proc.returncode == EXIT_INTERRUPTED and "Traceback" not in stderr, stderr
    assert "已中断" in stderr and "已完成：" in stderr and "继续生成未完成的部分" in stderr
    no_temp_files(out)
    done = sorted(out.glob("*.docx"))
    assert 3 <= len(done) < 120 and len(list(out.glob("*.html"))) == len(done)  # every input all or nothing
    for path in done:
        zipfile.ZipFile(path).testzip()
    resume = shlex.split(stderr.strip().splitlines()[-1])
    assert resume[:2] == ["nianbao", "render"] and str(sources[-1]) in resume
    clean(run_cli(*resume[1:]), EXIT_OK)
    assert len(list(out.glob("*.docx"))) == len(list(out.glob("*.html"))) == 120


def test_messages_never_print_escape_sequences(tmp_path):
    path = tmp_path / "\x1b]0;title\x07数据\x1b[2J.yaml"
    write_yaml(path, busy(**{"agency.name": "青石\x1b[31m街道\u202e办事处", "prose.problems": "\x9b31m问题"}))
    for args in (
        ("check", path),
        ("render", path, "-o", tmp_path / "输出", "--to", "html"),
        ("check", tmp_path / "\x1b[31m没有.yaml"),
    ):
        run = run_cli(*args)
        assert "Traceback" not in run.err and not re.search("[\x1b\x9b\u202e]", run.out + run.err), run


# --- control characters never reach a document -----------------------------------------------------

CONTROLS = "\x00\x07\x08\x0b\x0c\x1b[31m\x7f\x85\x9b\ufffe"


def test_control_characters_from_a_data_file_are_removed_and_reported(tmp_path):
    source = tmp_path / "数据.json"
    data = busy(
        **{
            "agency.name": f"青石{CONTROLS}街道办事处",
            "agency.phone": f"025{CONTROLS}1",
            "prose.problems": f"问题{CONTROLS}改进",
            "prose.overview.intro": f"概述{CONTROLS}",
        }
    )
    source.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    out = tmp_path / "输出"
    text = clean(run_cli("render", source, "-o", out, "--to", "docx,html"), EXIT_OK)
    assert text.count("[R0-3 ") == 4 and "agency.name" in text and "prose.problems" in text
    for path in out.iterdir():
        body = (
            zipfile.ZipFile(path).read("word/document.xml").decode()
            if path.suffix == ".docx"
            else path.read_text(encoding="utf-8")
        )
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe]", body), path
        text = re.sub(r"<[^>]+>", "", body)  # the text as shown (numbers sit in spans that keep them whole)
        assert "青石[31m街道办事处" in text and "问题[31m改进" in text


def test_control_characters_from_a_form_and_a_roster(tmp_path):
    report = read_data_file(BUSY)
    report = report.evolve(agency=replace(report.agency, name="青石\x85\x9b街道办事处"))
    form = tmp_path / "表.xlsx"
    form.write_bytes(form_bytes(FORMAT_2021, report))
    read = read_form(form)
    assert read.agency.name == "青石街道办事处" and [f.where for f in read.read_findings if f.rule == "R0-3"]
    roster = tmp_path / "汇总.xlsx"
    write_roster(roster, FORMAT_2021, False, [report])
    ((_, row),) = list(iter_roster(roster))
    assert row.agency.name == "青石街道办事处" and any(f.rule == "R0-3" for f in row.read_findings)


# --- property tests --------------------------------------------------------------------------------

ANY_CELL = st.one_of(
    st.text(max_size=80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.decimals(allow_nan=True),
    st.none(),
    st.booleans(),
    st.text(alphabet="0123456789.,+-eE 　０１２３元件万", max_size=90),
)


@settings(max_examples=1500, deadline=None)
@given(ANY_CELL, st.sampled_from([COUNT, SIGNED, AMOUNT]))
def test_parse_number_never_raises(raw, kind):
    parsed = parse_number(raw, kind)
    if parsed.value is None:
        assert parsed.note and len(parsed.note) < 200
    else:
        assert abs(parsed.value) < MAX_MAGNITUDE and (kind == AMOUNT or isinstance(parsed.value, int))
        assert kind == SIGNED or parsed.value >= 0


AMOUNTS = st.decimals(
    min_value=0, max_value=Decimal(MAX_MAGNITUDE) - 1, places=6, allow_nan=False, allow_infinity=False
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=AMOUNTS, fee=AMOUNTS)
def test_amounts_survive_data_form_roster_round_trips_exactly(amount, fee, tmp_path):
    data = busy(**{"active.fees.amount": str(amount), "fees.amount": str(fee), "fees.collected": True})
    report = report_from_dict(data)
    assert report.numbers["active.fees.amount"] == amount and report.fees.amount == fee
    form = tmp_path / "表.xlsx"
    form.write_bytes(form_bytes(FORMAT_2021, report))
    from_form = read_form(form)
    assert from_form.numbers["active.fees.amount"] == amount and from_form.fees.amount == fee
    assert not [f for f in from_form.read_findings if f.rule == "R0-1"]
    for suffix in (".yaml", ".json"):
        path = tmp_path / f"数据{suffix}"
        write_data_file(from_form, path, force=True)
        again = read_data_file(path)
        assert again.numbers["active.fees.amount"] == amount and again.fees.amount == fee
    roster = tmp_path / "汇总.xlsx"
    write_roster(roster, FORMAT_2021, True, [report])
    ((_, row),) = list(iter_roster(roster))
    assert row.numbers["active.fees.amount"] == amount and row.fees.amount == fee
    assert report_to_dict(row)["active"]["fees"]["amount"] in (amount, str(amount), float(amount))


def test_a_zip_bomb_template_is_refused_quickly_in_little_memory(tmp_path):
    from generator.render.docx import REFERENCE
    from generator.resources import template_bytes

    template = tmp_path / "模板.docx"
    template.write_bytes(_zip_with(template_bytes(REFERENCE), "word/document.xml", 1024**3))
    code, output, megabytes, seconds = peak(
        "render", BUSY, "-o", tmp_path / "输出", "--to", "docx", "--template", template
    )
    assert code == EXIT_INPUT and "文件解压后过大" in output and "Traceback" not in output, output
    assert megabytes < 300 and seconds < 10, (megabytes, seconds)
    assert not (tmp_path / "输出").exists() or not list((tmp_path / "输出").iterdir())


@pytest.mark.parametrize("target", ["docx", "html", "pdf"])
def test_a_report_built_with_control_characters_still_renders(target):
    """The renderers' own guard: a report not cleaned by an input (e.g. imported text) never breaks the output."""
    from dataclasses import replace

    from generator.render import render

    report = read_data_file(BUSY)
    report = report.evolve(
        prose={**report.prose, "problems": "问题\x01\x1b[31m改进\ud800"},
        agency=replace(report.agency, name="青石\x0b街道办事处"),
    )
    data = render(report, target)
    text = (
        zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        if target == "docx"
        else data.decode("latin-1")
        if target == "pdf"
        else data.decode()
    )
    if target != "pdf":
        assert "青石街道办事处" in re.sub(r"<[^>]+>", "", text) and "\x0b" not in text and "\x01" not in text
    assert data


LONG_PARAGRAPHS = {"cjk": "长" * 200_000, "ascii": "a" * 200_000, "digits": "1" * 200_000, "mixed": "ab1.长@" * 30_000}


@pytest.mark.parametrize("kind", LONG_PARAGRAPHS)
def test_a_200000_character_paragraph_never_stalls_check_render_or_import(kind, tmp_path):
    """Hang guard (a limit far above the normal time, not a timing test): patterns and layout stay linear."""
    data = busy(**{"prose.problems": LONG_PARAGRAPHS[kind], "prose.other": "收到申请" + LONG_PARAGRAPHS[kind]})
    source = tmp_path / "数据.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "输出"
    targets = "docx,html,pdf" if kind == "digits" else "docx,html"  # one PDF: the layout of an unbroken run
    clean(run_cli("render", source, "-o", out, "--to", targets, timeout=90), EXIT_OK)
    html = next(out.glob("*.html"))
    assert run_cli("check", html, timeout=60).code in (EXIT_OK, EXIT_FINDINGS)


def test_a_copy_protected_pdf_is_read_and_a_password_locked_one_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    from generator.render import render

    source = tmp_path / "报告.pdf"
    source.write_bytes(render(read_data_file(BUSY), "pdf"))
    protected, locked = tmp_path / "禁止复制.pdf", tmp_path / "要密码.pdf"
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=0, algorithm="AES-128")
    writer.write(protected)
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="open", owner_password="owner", algorithm="AES-128")
    writer.write(locked)
    text = clean(run_cli("check", protected), EXIT_OK)  # opens without a password: read like any PDF
    assert "校验通过" in text
    text = clean(run_cli("check", locked), EXIT_INPUT)
    assert "加密" in text
