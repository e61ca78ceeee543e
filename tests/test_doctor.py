"""``nianbao doctor``: each check as a user sees it, on this machine and on machines made to lack something.

A machine without WeasyPrint's libraries is made with the same sitecustomize as test_no_pdf_libs; one
without Chinese fonts, or with the real 仿宋_GB2312, with a private fontconfig configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from helpers import Run, hidden_pdf_libraries, run_cli

from generator.app.doctor import SAMPLE

FANDOL_FANG = Path("/usr/local/share/fonts/nianbao-fandol/FandolFang-Regular.otf")  # scripts/setup.sh puts it here


def doctor(*args, env: dict | None = None) -> Run:
    result = run_cli("doctor", *args, env=env)
    assert "Traceback" not in result.err, result.err
    return result


def line(output: str, start: str) -> str:
    """The line (with its indented note, if any) that starts with ``start`` after the mark."""
    lines = output.splitlines()
    for i, text in enumerate(lines):
        if text[2:].startswith(start):
            notes = [n for n in lines[i + 1 : i + 2] if n.startswith("    ")]
            return "\n".join([text, *notes])
    raise AssertionError(f"没有「{start}」这一行：\n{output}")


def fontconfig_env(tmp_path: Path, *font_dirs: Path) -> dict:
    """A private fontconfig that knows only the fonts in ``font_dirs``."""
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{dirs}'
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def test_on_this_machine_everything_works_and_fandol_stands_in(tmp_path):
    result = doctor("-o", tmp_path)
    assert result.code == 0, result.out
    out = result.out
    assert line(out, "nianbao 版本").startswith("✓") and line(out, "Python").startswith("✓")
    assert line(out, "校验、Word 和网页输出").startswith("✓")
    assert line(out, "PDF 输出").startswith("✓ PDF 输出：正常（WeasyPrint")
    fangsong = line(out, "字体 仿宋_GB2312")
    assert fangsong.startswith("！") and "替代字体" in fangsong and "FandolFang-Regular.otf" in fangsong
    assert "免费的替代字体 FandolFang" in fangsong and "Word 文件里仍写正式字体名「仿宋_GB2312」" in fangsong
    assert "Noto Serif CJK SC" in line(out, "字体 方正小标宋简体")
    latin = line(out, "字体 Times New Roman")  # digits and Latin letters: the metric twin from fonts-liberation2
    assert latin.startswith("✓") and "PDF 中使用 Liberation Serif" in latin and "LiberationSerif-Regular.ttf" in latin
    assert line(out, "输出文件夹").startswith(f"✓ 输出文件夹：{tmp_path}")
    assert out.rstrip().endswith("结论：可以校验数据并生成 Word、网页和 PDF 报告。")


def test_without_pdf_libraries_pdf_is_a_warning_unless_required(tmp_path):
    env = hidden_pdf_libraries(tmp_path / "hide")
    result = doctor("-o", tmp_path, env=env)
    assert result.code == 0
    pdf = line(result.out, "PDF 输出")
    assert pdf.startswith("！ PDF 输出：无法生成 PDF") and "libgobject-2.0-0" in pdf
    assert "sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk" in result.out
    assert "PDF 暂不能生成" in result.out
    assert "fontconfig 匹配为 FandolFang" in line(result.out, "字体 仿宋_GB2312")  # fonts still looked up
    required = doctor("--pdf", "-o", tmp_path, env=env)
    assert required.code == 1 and line(required.out, "PDF 输出").startswith("✗")


def test_output_folder_that_cannot_be_written_fails(tmp_path):
    blocker = tmp_path / "一个文件.txt"
    blocker.write_text("不是文件夹", encoding="utf-8")
    result = doctor("-o", blocker / "输出")
    assert result.code == 1
    assert line(result.out, "输出文件夹").startswith(
        f"✗ 输出文件夹：{blocker / '输出'} 不能写入文件（路径中有一部分是文件"
    )
    assert "-o" in line(result.out, "输出文件夹") and "结论：输出文件夹 未通过" in result.out
    assert blocker.read_text(encoding="utf-8") == "不是文件夹"


def test_a_missing_output_folder_is_tried_and_left_as_it_was(tmp_path):
    result = doctor("-o", tmp_path / "新建" / "输出")
    assert result.code == 0 and line(result.out, "输出文件夹").startswith("✓")
    assert list(tmp_path.iterdir()) == []


def test_the_real_official_font_is_recognised_by_its_chinese_name(tmp_path):
    """A font whose English family is FangSong_GB2312 and Chinese family 仿宋_GB2312, as the real one names itself."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    font = TTFont(FANDOL_FANG)
    subsetter = subset.Subsetter()
    subsetter.populate(text=SAMPLE)
    subsetter.subset(font)
    names = font["name"]
    for name_id in (1, 4, 16, 17):
        names.removeNames(nameID=name_id)
    names.setName("FangSong_GB2312", 1, 3, 1, 0x409)
    names.setName("仿宋_GB2312", 1, 3, 1, 0x804)
    font.save(fonts / "fangsong-gb2312.otf")
    result = doctor("-o", tmp_path, env=fontconfig_env(tmp_path, fonts))
    assert line(result.out, "字体 仿宋_GB2312").startswith(
        f"✓ 字体 仿宋_GB2312：正式字体，PDF 中使用 FangSong_GB2312（{fonts / 'fangsong-gb2312.otf'}）"
    )


def test_without_chinese_fonts_pdf_would_show_boxes(tmp_path):
    env = fontconfig_env(tmp_path, Path("/usr/share/fonts/truetype/dejavu"))
    result = doctor("--pdf", "-o", tmp_path, env=env)
    assert result.code == 1
    pdf = line(result.out, "PDF 输出")
    assert pdf.startswith("✗ PDF 输出：能排版，但本机没有中文字体") and "fonts-noto-cjk" in pdf
    assert "没有中文字形" in line(result.out, "字体 黑体")
    latin = line(result.out, "字体 Times New Roman")
    assert latin.startswith("！") and "sudo apt install fonts-liberation2" in latin
    assert doctor("-o", tmp_path, env=env).code == 0  # PDF is not required without --pdf


def test_a_chinese_windows_console_gets_marks_it_can_print(tmp_path):
    result = doctor("-o", tmp_path, env={"PYTHONIOENCODING": "gbk"})
    assert result.code == 0
    assert line(result.out, "PDF 输出").startswith("√") and "✓" not in result.out
