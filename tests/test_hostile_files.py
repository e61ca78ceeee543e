"""Messy files as they travel between townships and counties (issue 19): each gets a Chinese message naming the
file and the place, with the fix, and a documented exit code; none reaches the safety net's 内部错误."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import BUSY, example_dict, report_of
from docx import Document
from helpers import ROOT, run_cli
from openpyxl import load_workbook

from generator.formats import FORMAT_2021
from generator.inputs import InputError
from generator.inputs.excel import write_form
from generator.inputs.excel.layout import FORMAT_NAME, name_for
from generator.inputs.roster import ROSTER_SHEET, iter_roster, write_roster
from generator.inputs.sniff import MAX_PDF_PAGES
from generator.render import render

INTERNAL = "内部错误"


def assert_refused(result, *words, code=2):
    assert result.code == code, (result.out, result.err)
    text = result.out + result.err
    assert INTERNAL not in text and "Traceback" not in text and "None" not in text
    for word in words:
        assert word in text, (word, text)


# --- no internal error from long values -------------------------------------------------------------------------


def test_a_100000_character_agency_name_renders(tmp_path):
    data = example_dict(BUSY)
    data["agency"]["name"] = "很长的机关名称" * 14_286
    source = tmp_path / "long.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("render", source, "-o", tmp_path / "out", "--to", "docx,html", "--ignore-errors")
    assert result.code in (0, 1) and INTERNAL not in result.err, result.err
    docx = next((tmp_path / "out").glob("*.docx"))
    assert len(docx.name.encode()) <= 255
    core = Document(docx).core_properties
    assert len(core.title) <= 255 and len(core.author) == 255 and core.author.endswith("…")
    assert data["agency"]["name"] in "".join(p.text for p in Document(docx).paragraphs)  # the body keeps it whole
    page = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    tab = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert tab.endswith("很长的机关名称" * 7 + "很…2025年政府信息公开工作年度报告"), (
        tab
    )  # the tab names the year and report
    assert data["agency"]["name"] in page  # the heading keeps the name whole


def test_text_beyond_excels_cell_limit_is_cut_with_a_note_in_the_cell(tmp_path):
    data = example_dict(BUSY)
    data["prose"]["problems"] = "问题" * 20_000
    source = tmp_path / "long.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("convert", source, "-o", tmp_path / "form.xlsx")
    assert result.code == 0, result.err
    cells = [c.value for ws in load_workbook(tmp_path / "form.xlsx") for row in ws.iter_rows() for c in row]
    longest = max((v for v in cells if isinstance(v, str)), key=len)
    assert len(longest) == 32_767 and "原文共 40000 个字符" in longest


# --- file types in disguise -------------------------------------------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
MHT = (
    b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
    b"------=_NextPart_01\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n<html></html>\r\n"
)


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("报告.doc", OLE, ["报告.doc", "旧版 Word 文件（.doc）", "另存为", "*.docx"]),
        ("报告.docx", OLE, ["报告.docx", "旧版 Word 文件（.doc）", "扩展名虽然是 .docx", "*.docx"]),
        ("报告.mht", MHT, ["报告.mht", "单个文件网页", "网页（*.htm;*.html）"]),
        ("报告.html", MHT, ["报告.html", "单个文件网页", "Word 文档（*.docx）"]),
    ],
    ids=[".doc", ".doc renamed .docx", ".mht", ".mht saved as .html"],
)
@pytest.mark.parametrize("command", ["check", "import"])
def test_old_word_and_single_file_web_pages_get_save_as_advice(tmp_path, name, content, words, command):
    path = tmp_path / name
    path.write_bytes(content)
    args = [command, path] + (["-o", tmp_path / "out.yaml"] if command == "import" else [])
    assert_refused(run_cli(*args), *words)
    assert not (tmp_path / "out.yaml").exists()


def thousand_page_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(1000):
        writer.add_blank_page(595, 842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.parametrize("command", ["check", "import"])
def test_a_1000_page_pdf_is_refused_before_its_pages_are_read(tmp_path, command):
    pdf = thousand_page_pdf(tmp_path / "合订本.pdf")
    args = [command, pdf] + (["-o", tmp_path / "out.yaml"] if command == "import" else [])
    assert_refused(run_cli(*args, timeout=60), "合订本.pdf", "共 1000 页", f"最多读取 {MAX_PDF_PAGES} 页")


# --- data files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,where,words",
    [
        ("year:\u30002025", "第 2 行", ["全角空格"]),
        ("year：2025", "第 2 行", ["全角冒号「：」", "year: 2025"]),
        ("year: 2025\nagency:\n\u3000name: x", "", ["□name", "全角空格"]),
        ("year: 2025\nagency:\n\tname: x", "第 4 行", ["Tab"]),
    ],
    ids=["ideographic space", "full-width colon", "ideographic indent", "tab"],
)
def test_yaml_slips_are_explained_in_chinese_on_the_right_line(tmp_path, line, where, words):
    path = tmp_path / "数据.yaml"
    path.write_text(f'format: "2021"\n{line}\n', encoding="utf-8")
    result = run_cli("check", path)
    assert_refused(result, "数据.yaml", where, *words)
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} ", result.err.replace("docs/data-file.md", "")), result.err


def test_an_empty_mapping_is_said_to_be_empty_never_none(tmp_path):
    path = tmp_path / "数据.yaml"
    path.write_text('format: "2021"\nyear: 2025\nagency:\n', encoding="utf-8")
    assert_refused(run_cli("check", path), "字段「agency」是空的")


# --- workbooks --------------------------------------------------------------------------------------------------


def form(tmp_path, edit) -> Path:
    path = tmp_path / "填报表.xlsx"
    write_form(path, FORMAT_2021, report=report_of(example_dict(BUSY)), force=True)
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def strict(path: Path) -> Path:
    """The workbook as Excel saves it as 「Strict Open XML 电子表格」 (ISO 29500 Strict namespaces)."""
    with zipfile.ZipFile(path) as source:
        parts = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts.items():
            data = data.replace(
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            )
            target.writestr(info, data)
    return path


def test_a_strict_open_xml_form_gets_save_as_advice(tmp_path):
    path = strict(form(tmp_path, lambda wb: None))
    assert_refused(run_cli("check", path), "填报表.xlsx", "Strict Open XML", "Excel 工作簿(*.xlsx)")


def test_a_strict_open_xml_roster_gets_the_same_advice(tmp_path):
    path = tmp_path / "汇总.xlsx"
    write_roster(path, FORMAT_2021, force=True, reports=[report_of(example_dict(BUSY))])
    with pytest.raises(InputError, match="Strict Open XML"):
        list(iter_roster(strict(path)))


def test_an_unreadable_format_marker_is_said_to_be_unreadable(tmp_path):
    def blank_marker(wb):
        wb.defined_names[FORMAT_NAME].attr_text = None

    result = run_cli("check", form(tmp_path, blank_marker))
    assert_refused(result, "格式版本标记", "无法读取")


def test_a_formula_without_a_result_in_the_name_cell_is_named_as_a_formula(tmp_path):
    def hyperlink(wb):
        sheet, ref = next(wb.defined_names[name_for("agency.name")].destinations)
        wb[sheet][ref.replace("$", "")] = '=HYPERLINK("http://example.gov.cn","青石街道办事处")'

    result = run_cli("check", form(tmp_path, hyperlink))
    assert result.code == 1 and INTERNAL not in result.err
    assert "是公式「=HYPERLINK(" in result.out and "机关名称没有填写" not in result.out


def roster(tmp_path, edit=None, count: int = 2) -> Path:
    path = tmp_path / "汇总.xlsx"
    write_roster(path, FORMAT_2021, force=True, reports=[report_of(example_dict(BUSY))] * count)
    if edit:
        wb = load_workbook(path)
        edit(wb[ROSTER_SHEET], wb)
        wb.save(path)
    return path


def refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        list(iter_roster(path))
    text = str(caught.value)
    assert "None" not in text
    return text


def test_a_column_copied_to_the_end_of_a_roster_is_refused_naming_both_columns(tmp_path):
    def copy_name_column(sheet, wb):
        last = sheet.max_column + 1
        for row in range(1, sheet.max_row + 1):
            sheet.cell(row, last, sheet.cell(row, 1).value)

    path = roster(tmp_path, copy_name_column)
    last = load_workbook(path)[ROSTER_SHEET].max_column
    from openpyxl.utils import get_column_letter

    text = refused(path)
    assert f"A 列和 {get_column_letter(last)} 列都是「机关名称」" in text and f"工作表「{ROSTER_SHEET}」" in text


def test_a_title_row_above_the_roster_header_says_which_row_to_delete(tmp_path):
    def title_row(sheet, wb):
        sheet.insert_rows(1)
        sheet["A1"] = "某某县2025年政务公开年报汇总表"

    text = refused(roster(tmp_path, title_row))
    assert "表头在第 2、3 行" in text and "请删除第 1 行" in text and "缺少" not in text


def test_an_empty_roster_says_it_is_empty(tmp_path):
    path = tmp_path / "汇总.xlsx"
    write_roster(path, FORMAT_2021, force=True)
    assert "只有表头，从第 3 行起没有填写任何单位" in refused(path)


def test_a_renamed_roster_sheet_is_still_read_as_a_roster(tmp_path):
    def rename(sheet, wb):
        sheet.title = "Sheet1"

    rows = list(iter_roster(roster(tmp_path, rename)))
    assert len(rows) == 2 and all(not isinstance(r, Exception) for _, r in rows)
    assert rows[0][1].agency.name == "青石街道办事处"


def test_a_workbook_without_any_roster_header_lists_its_sheets(tmp_path):
    def rename(sheet, wb):
        sheet.title = "Sheet1"
        sheet.delete_rows(1, 2)

    text = refused(roster(tmp_path, rename))
    assert "现有的工作表：Sheet1" in text


# --- pipes, locales, special files ------------------------------------------------------------------------------


def shell(command: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize(
    "command",
    [
        "rules | head -1",
        f"check --json {' '.join([str(BUSY)] * 40)} | head -2",
        f"check {' '.join([str(BUSY)] * 40)} | true",
        "batch {examples} -o {out} --to html | true",
    ],
)
def test_a_closed_pipe_ends_quietly_like_other_unix_tools(command, tmp_path):
    command = command.format(examples=BUSY.parent, out=tmp_path / "out")
    result = shell(f"{sys.executable} -m generator {command}")
    err = result.stderr.decode("utf-8")
    assert result.returncode in (0, 141), err
    for noise in ("无法读写", "Broken pipe", "BrokenPipe", "Traceback", "Exception ignored", INTERNAL):
        assert noise not in err
    assert command.startswith("batch") or err == ""  # batch shows its progress on stderr, which is still open


def test_messages_under_a_c_locale_are_readable_chinese(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", tmp_path / "无.yaml"],
        capture_output=True,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LC_ALL": "C",
            "LANG": "C",
            "PYTHONUTF8": "0",
            "PYTHONIOENCODING": "",
        },
        timeout=60,
    )
    assert result.returncode == 2
    text = result.stdout.decode("utf-8") + result.stderr.decode("utf-8")
    assert "找不到文件" in text and "\\u" not in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")
@pytest.mark.parametrize("option", ["input", "--previous", "--template"])
def test_a_fifo_given_as_any_file_is_refused_without_blocking(tmp_path, option):
    fifo = tmp_path / "管道.yaml"
    os.mkfifo(fifo)
    args = {
        "input": ["check", fifo],
        "--previous": ["check", BUSY, "--previous", fifo],
        "--template": ["render", BUSY, "-o", tmp_path / "out", "--to", "docx", "--template", fifo],
    }[option]
    result = run_cli(*args, timeout=30)
    assert result.code == 2 and "不是普通文件" in result.out + result.err, result


def test_render_from_a_bad_template_is_never_an_internal_error(tmp_path):
    path = tmp_path / "模板.docx"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<not-xml")
    path.write_bytes(data.getvalue())
    result = run_cli("render", BUSY, "-o", tmp_path / "out", "--to", "docx", "--template", path)
    assert_refused(result, "模板文件", "无法打开")
    assert render(report_of(example_dict(BUSY)), "docx")  # the default template still works in this process


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")
def test_a_fifo_given_as_the_wizards_draft_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "草稿.json"
    os.mkfifo(fifo)
    code = (
        "import sys; from pathlib import Path; from generator.errors import InputError\n"
        "from generator.inputs.wizard.session import State\n"
        "try:\n    State.load(Path(sys.argv[1]))\nexcept InputError as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(fifo)],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "不是普通文件" in result.stdout.decode("utf-8"), result


def test_an_unreadable_file_is_explained_in_chinese(tmp_path):
    with pytest.raises(InputError, match="找不到文件") as caught:
        from generator.limits import read_limited

        read_limited(tmp_path / "无.yaml")
    assert "No such file" not in str(caught.value)


def test_a_number_column_copied_to_the_end_without_its_group_is_refused_too(tmp_path):
    from openpyxl.utils import get_column_letter

    def copy_inner_column(sheet, wb):
        labels = [sheet.cell(2, c).value for c in range(1, sheet.max_column + 1)]
        source = next(
            c
            for c in range(2, sheet.max_column + 1)  # inside a merged group, a label used in many
            if sheet.cell(1, c).value is None and labels.count(sheet.cell(2, c).value) > 1
        )
        last = sheet.max_column + 1
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, last, sheet.cell(row, source).value)
        copy_inner_column.source, copy_inner_column.last = source, last

    text = refused(roster(tmp_path, copy_inner_column))
    letter = get_column_letter(copy_inner_column.last)
    assert f"{letter} 列表头是" in text and f"请删除 {letter} 列" in text and "同名" in text
