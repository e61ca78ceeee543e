"""Scanned reports: an image-only PDF or a PNG/JPEG read by OCR, kept only where the tables' arithmetic proves it.

The scans are made here from our own example (rendered to PDF, then to 200-dpi page images): no binaries in git.
"""

from __future__ import annotations

import struct
import sys
import zlib
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import BUSY
from corpus import read_value, score
from helpers import run_cli

from generator.inputs import load_report
from generator.inputs.importer import import_report

DPI = 200


@pytest.fixture(scope="module")
def busy():
    return load_report(BUSY)


@pytest.fixture(scope="module")
def text_pdf(busy, tmp_path_factory) -> Path:
    from generator.render import render

    path = tmp_path_factory.mktemp("scan") / "report.pdf"
    path.write_bytes(render(busy, "pdf"))
    return path


def page_images(pdf: Path) -> list:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = [document[i].render(scale=DPI / 72).to_pil().convert("RGB") for i in range(len(document))]
    document.close()
    return images


def image_pdf(images: list, path: Path) -> Path:
    images[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return path


def truth(report) -> dict:
    return {p: read_value(report, p) for p in report.format.input_paths}


@pytest.mark.ocr
def test_a_clean_200_dpi_scan_imports_with_its_table_numbers_right(busy, text_pdf, tmp_path):
    scan = image_pdf(page_images(text_pdf), tmp_path / "扫描件.pdf")
    report = import_report(scan)
    result = score(report, truth(busy))
    assert result["wrong"] == []
    tables_with_sums = [p for p in busy.format.input_paths if not p.startswith("active.")]
    assert set(tables_with_sums) <= set(result["right"]), set(tables_with_sums) - set(result["right"])
    assert report.number("requests.new.natural") == 12 and report.typed_totals["requests.total_processed.total"] == 17
    # section 二 has no sums to prove a recognised digit: never kept, each cell named in an S-1 error with what
    # was recognised, and said where the cell read alone agreed
    [note] = [f for f in report.read_findings if f.rule == "S-1"]
    assert note.severity == "E" and "「规章」" in note.message and "请对照扫描件原件填写" in note.message
    assert "active.licensing.decisions" in report.unread and "active.licensing.decisions" in note.operands["未证实"]
    assert "逐格再次识别相同" in note.message


def _word_box(pdf: Path, page: int, row_label: str, text: str) -> tuple[float, float, float, float]:
    """The box (in points) of the first word ``text`` on the line of ``row_label``."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        words = document.pages[page].extract_words()
    label = next(w for w in words if w["text"].startswith(row_label))
    word = next(w for w in words if w["text"] == text and abs(w["top"] - label["top"]) < 6 and w["x0"] > label["x1"])
    return word["x0"], word["top"], word["x1"], word["bottom"]


@pytest.mark.ocr
def test_a_digit_smudged_into_another_is_left_unread_with_a_finding_not_read_wrong(busy, text_pdf, tmp_path):
    images = page_images(text_pdf)
    page = next(i for i in range(len(images)) if _has(text_pdf, i, "一、本年新收"))
    scale = DPI / 72
    twelve = [v * scale for v in _word_box(text_pdf, page, "一、本年新收", "12")]
    sixteen = [v * scale for v in _word_box(text_pdf, page, "一、本年新收", "16")]
    patch = images[page].crop(tuple(round(v) for v in sixteen))  # the 「12」 of 自然人 now looks like 「16」
    images[page].paste((255, 255, 255), tuple(round(v) for v in twelve))
    images[page].paste(patch, (round(twelve[0]), round(twelve[1])))
    report = import_report(image_pdf(images, tmp_path / "污损.pdf"))
    assert score(report, truth(busy))["wrong"] == []
    assert report.number("requests.new.natural") is None and report.unread["requests.new.natural"] == "16"
    [note] = [
        f for f in report.read_findings if f.rule == "S-1" and "requests.new.natural" in f.operands.get("未证实", ())
    ]
    assert "行「一、本年新收政府信息公开申请数量」 · 列「自然人」（识别为 16" in note.message
    assert report.number("requests.new.commercial") == 3  # the rest of the row is proved by its columns


def _has(pdf: Path, page: int, text: str) -> bool:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        return text in (document.pages[page].extract_text() or "")


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels (a decompression bomb needs no more to be refused)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_a_decompression_bomb_png_is_refused_with_a_chinese_message(tmp_path):
    bomb = tmp_path / "扫描.png"
    bomb.write_bytes(_png_header(60_000, 60_000))
    run = run_cli("check", bomb)
    assert run.code == 2, run
    assert "扫描.png：图片过大（超过 40 百万像素），无法识别" in run.err and "Traceback" not in run.err


def test_without_the_ocr_extra_a_scan_is_refused_with_the_install_command(tmp_path, monkeypatch, capsys):
    from PIL import Image, ImageDraw

    from generator.app.cli import main

    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).rectangle((200, 300, 1000, 900), outline="black", width=3)
    pdf = tmp_path / "图片版.pdf"
    page.save(pdf, "PDF", resolution=150)
    png = tmp_path / "第1页.png"
    page.save(png)
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if the extra were not installed
    assert main(["check", str(pdf)]) == 2
    err = capsys.readouterr().err
    assert (
        "图片版.pdf：PDF 中没有可提取的文字（可能是扫描件或图片）" in err
        and "安装 OCR 组件：pip install nianbao[ocr]" in err
    )
    assert main(["check", str(png)]) == 2
    assert (
        "第1页.png：这是图片，需要文字识别（OCR）才能读取。 安装 OCR 组件：pip install nianbao[ocr]"
        in capsys.readouterr().err
    )


@pytest.mark.ocr
def test_a_png_page_is_read_through_the_command(text_pdf, tmp_path):
    page = page_images(text_pdf)[0]
    png = tmp_path / "第1页.png"
    page.save(png)  # title, opening paragraph and 一、总体情况
    run = run_cli("import", png, "-o", tmp_path / "第1页.yaml")
    assert run.code in (0, 1) and "Traceback" not in run.err, run
    data = (tmp_path / "第1页.yaml").read_text(encoding="utf-8")
    assert "青石街道办事处" in data and "2025" in data


def _as_if_scanned(report, **changed):
    """The data file's report as a scan would give it: totals printed, some cells read as ``changed``."""
    typed = {p: v for p, v in report.totals.items() if v is not None}
    return report.evolve(numbers={**report.numbers, **changed}, typed_totals=typed)


def test_only_cells_an_equation_proves_are_kept(busy):
    from generator.inputs.importer.scan.proof import prove

    assert busy.numbers["requests.denied_4.natural"] == 1
    proved = prove(_as_if_scanned(busy, **{"requests.denied_4.natural": 7}))  # a 1 recognised as 7
    assert "requests.denied_4.natural" not in proved.numbers and proved.unread["requests.denied_4.natural"] == "7"
    kept = [p for p in busy.format.input_paths if not p.startswith("active.") and p != "requests.denied_4.natural"]
    assert all(proved.numbers[p] == busy.numbers[p] for p in kept)  # its row and column are proved by the others
    assert proved.typed_totals["requests.denied_4.total"] == 1  # the printed row total: proved by the 总计 column
    assert all(p in proved.unread for p in busy.format.input_paths if p.startswith("active."))  # 二 has no sums
    notes = {f.where: f for f in proved.read_findings if f.rule == "S-1"}
    assert "（识别为 7）" in notes["三、收到和处理政府信息公开申请情况"].message
    assert "没有合计关系" in notes["二、主动公开政府信息情况"].message


def test_a_true_table_loses_nothing_but_section_two(busy):
    from generator.inputs.importer.scan.proof import prove

    proved = prove(_as_if_scanned(busy))
    assert {p for p in busy.format.input_paths if p not in proved.numbers} == {
        p for p in busy.format.input_paths if p.startswith("active.")
    }


def test_a_cell_not_recognised_is_said_to_be_unread_not_blank_on_paper(busy):
    from generator.findings import ERROR, Finding
    from generator.inputs.importer.scan.proof import prove

    blank = Finding(
        "R0-2", ERROR, "三 · 行「（一）予以公开」 · 列「自然人」", "单元格空白。", path="requests.granted.natural"
    )
    report = _as_if_scanned(busy).evolve(read_findings=(blank,))
    [note] = [f for f in prove(report).read_findings if f.path == "requests.granted.natural"]
    assert note.rule == "S-1" and "没有识别出数字（识别为「空白」），未读取" in note.message


def _skewed_and_sealed(image, dpi: int):
    """A page scanned at ``dpi``, turned 1.2°, a red seal (ring and star) over the middle, saved as JPEG."""
    import io

    from PIL import Image, ImageChops, ImageDraw

    image = image.resize((image.width * dpi // DPI, image.height * dpi // DPI))
    image = image.rotate(1.2, resample=Image.Resampling.BICUBIC, fillcolor="white")
    stamp = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(stamp)
    cx, cy, radius = image.width // 2, image.height // 2, image.width // 9
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=(215, 40, 40), width=radius // 12)
    draw.regular_polygon((cx, cy, radius // 3), 5, fill=(215, 40, 40))
    image = ImageChops.multiply(image, stamp)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=40)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


@pytest.mark.ocr
@pytest.mark.parametrize("dpi", [150, 200])
def test_a_skewed_sealed_low_resolution_scan_accepts_no_wrong_digit(busy, text_pdf, tmp_path, dpi):
    pages = [_skewed_and_sealed(image, dpi) for image in page_images(text_pdf)]
    path = tmp_path / "扫描件.pdf"
    pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    report = import_report(path)
    result = score(report, truth(busy))
    assert result["wrong"] == []
    assert all(p in report.unread or p in report.numbers or p in report.typed_totals for p in result["unread"])
    named = {p for f in report.read_findings for key in ("未证实", "未识别") for p in (f.operands or {}).get(key, ())}
    assert {p for p in result["unread"] if p in report.unread} <= named | {f.path for f in report.read_findings}
    sums = [p for p in busy.format.input_paths if not p.startswith("active.")]
    assert len(set(sums) & set(result["right"])) >= 0.8 * len(sums)


def test_a_cell_of_section_two_is_never_kept_by_agreeing_readings_alone(busy):
    from generator.findings import ERROR, WARNING
    from generator.inputs.importer.scan.proof import prove

    scanned = _as_if_scanned(busy)
    second = {**scanned.numbers, "active.licensing.decisions": 165}  # 156 read as 165 the second time
    del second["active.rules.issued"]  # not read the second time
    again = scanned.evolve(numbers=second)
    proved = prove(scanned, again)
    two = {p for p in busy.format.input_paths if p.startswith("active.")}
    assert not two & set(proved.numbers) and proved.unread["active.licensing.decisions"] == "156"
    assert not [f for f in proved.read_findings if f.rule == "S-1" and f.severity == WARNING]
    [unproved] = [f for f in proved.read_findings if f.rule == "S-1" and f.severity == ERROR]
    assert set(unproved.operands["未证实"]) == two
    # the finding says, cell by cell, whether the cell read alone gave the same figure
    cells = {**scanned.numbers, **scanned.typed_totals}
    for path in [p for p in cells if p.startswith("active.")][:8]:
        label = busy.format.describe(path).split(" · ", 1)[1]
        same = path not in {"active.licensing.decisions", "active.rules.issued"}
        assert f"{label}（识别为 {cells[path]}{'，逐格再次识别相同' if same else ''}）" in unproved.message, path
    # a cell of 三 is never kept by two readings alone: only its equations prove it
    wrong = scanned.evolve(numbers={**scanned.numbers, "requests.granted.natural": 9})
    assert "requests.granted.natural" in prove(wrong, wrong).unread


SEAL_TINT = 175  # a red seal's ring in the red channel of a grey scan


def _ruled_table(cells: list[str]) -> tuple:
    """A page with one ruled row of four cells (a label and three figures): the grey image, and the figures'
    positions. ``cells`` says what each figure cell holds: 'ink' (a printed figure), or '' (nothing)."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (1000, 1400), 235)  # a grey scan's paper
    draw = ImageDraw.Draw(page)
    columns = [50, 400, 550, 700, 850]
    for y in (600, 660):
        draw.line((50, y, 850, y), fill=0, width=3)
    for x in columns:
        draw.line((x, 600, x, 660), fill=0, width=3)
    for (left, right), what in zip(pairwise(columns[1:]), cells, strict=True):
        if what == "ink":  # a figure's strokes, dark in the middle
            draw.rectangle(((left + right) // 2 - 4, 620, (left + right) // 2 + 4, 642), fill=30)
    draw.ellipse((560, 605, 700, 700), outline=SEAL_TINT, width=6)  # a seal's ring, light in the red channel
    for x in range(420, 540, 13):  # specks
        draw.point((x, 615), fill=60)
    return page, columns


@pytest.mark.ocr
def test_a_figure_is_read_a_second_time_from_its_cell_alone_and_blank_there_when_read_once():
    from generator.inputs.importer.scan.engine import Box
    from generator.inputs.importer.scan.layout import page_lines

    page, columns = _ruled_table(["ink", "ink", "ink"])
    label = Box("规章", 80, 620, 160, 642, 1.0)
    sure = Box("3", 470, 620, 480, 642, 0.99)
    unsure = Box("0", 620, 620, 630, 642, 0.6)  # a lone 「0」 the page reads with little confidence
    seen: list = []

    def reread(crops):
        seen.extend(crops)
        return [("3", 0.99), ("0", 0.98), ("1", 0.95)][: len(crops)]

    lines, again = page_lines(page, [label, sure, unsure], reread)
    assert lines == ["规章\t3\t0\t1"]  # the third cell, missed on the page, read from its cut-out
    assert again == ["规章\t3\t0\t"]  # read twice alike: kept; read once: blank in the second reading
    assert len(seen) == 3 and all(crop.getextrema() == (0, 255) for crop in seen)
    assert seen[1].size[0] < 60  # the seal's ring around the second figure is not cut out with it

    lines, again = page_lines(page, [label, sure, unsure], lambda crops: [("8", 0.99), ("0", 0.98), ("1", 0.95)])
    assert lines == ["规章\t3\t0\t1"] and again == ["规章\t\t0\t"]  # 3 on the page, 8 alone: not read twice

    # the figure the page's detector missed, looked for again in its cell alone (detector and recogniser)
    cells: list = []
    found = page_lines(page, [label, sure, unsure], reread, lambda images: cells.extend(images) or [("1", 0.7)])
    assert found == (["规章\t3\t0\t1"], ["规章\t3\t0\t1"]) and len(cells) == 1
    assert cells[0].getextrema() == (0, 255) and cells[0].size[0] > 150  # the whole cell, levelled
    other = page_lines(page, [label, sure, unsure], reread, lambda images: [("7", 0.99)])
    assert other == (["规章\t3\t0\t1"], ["规章\t3\t0\t"])  # found as 7: not read twice


@pytest.mark.ocr
def test_a_cell_with_only_specks_or_a_seal_tint_holds_no_print():
    from generator.inputs.importer.scan.layout import Cell, _print_crop, print_levels

    page, columns = _ruled_table(["", "", ""])
    grey = __import__("numpy").asarray(page)
    core, paper = print_levels(grey)
    assert core <= 140 < SEAL_TINT < paper  # the seal's ring is not print, even on a page with little print
    for left, right in pairwise(columns[1:]):
        assert _print_crop(grey, Cell(600, 660, left, right), core, paper) is None
