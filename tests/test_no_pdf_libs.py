"""Without WeasyPrint's native libraries (Pango, GLib), as on a bare Windows or macOS: all but PDF works.

The libraries are hidden for real: a ``sitecustomize`` on PYTHONPATH makes ``cffi.FFI.dlopen`` fail the
way it fails on such a machine, so any import of WeasyPrint anywhere on a command's path would
end in that OSError. Each command runs in its own process, as a user runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUSY, YINGLIN
from helpers import ROOT, Run, hidden_pdf_libraries, run_cli

from generator.render import pdf

NO_PDF = "无法生成 PDF"


def nianbao(*args, env: dict, cwd: Path = ROOT) -> Run:
    result = run_cli(*args, env=env, cwd=cwd)
    assert "Traceback" not in result.err, result.err
    assert "WeasyPrint could not import" not in result.out  # its English banner is kept off the screen
    return result


@pytest.fixture
def no_libs(tmp_path) -> dict:
    return hidden_pdf_libraries(tmp_path / "hide")


def test_the_libraries_are_really_hidden(no_libs):
    result = subprocess.run(
        [sys.executable, "-c", "import weasyprint"], capture_output=True, text=True, env={**os.environ, **no_libs}
    )
    assert result.returncode != 0 and "cannot load library 'libgobject-2.0-0'" in result.stderr


def test_render_writes_word_and_html_and_explains_pdf_once(tmp_path, no_libs):
    out = tmp_path / "out"
    result = nianbao("render", BUSY, YINGLIN, "-o", out, "--to", "pdf,docx,html", env=no_libs)
    assert result.code == 2
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".docx", ".html", ".html"]
    assert result.err.count(NO_PDF) == 1
    assert "sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk" in result.err
    assert "nianbao doctor" in result.err


def test_check_form_convert_and_import_need_no_pdf_libraries(tmp_path, no_libs):
    published = tmp_path / "published"
    assert nianbao("render", BUSY, "-o", published, env={}).code == 0  # with the libraries
    for report in sorted(published.iterdir()):  # .docx, .html, .pdf: importing a PDF reads it with pypdf
        assert nianbao("check", report, env=no_libs).code == 0
        imported = tmp_path / f"imported-{report.suffix[1:]}.yaml"
        assert nianbao("import", report, "-o", imported, env=no_libs).code == 0
        assert "青石街道办事处" in imported.read_text(encoding="utf-8")
    assert nianbao("form", "--year", "2025", "-o", tmp_path / "填报表.xlsx", env=no_libs).code == 0
    assert nianbao("convert", BUSY, "-o", tmp_path / "转换.xlsx", env=no_libs).code == 0
    assert (tmp_path / "填报表.xlsx").stat().st_size and (tmp_path / "转换.xlsx").stat().st_size


def test_batch_writes_the_rest_and_reports_pdf_once(tmp_path, no_libs):
    folder = tmp_path / "inputs"
    folder.mkdir()
    for source in (BUSY, YINGLIN):
        shutil.copy(source, folder)
    out = tmp_path / "out"
    result = nianbao("batch", folder, "-o", out, "--to", "docx,html,pdf", "-j", "2", env=no_libs)
    assert result.code == 2
    assert result.err.count(NO_PDF) == 1
    assert len(list(out.glob("*/*.docx"))) == 2 and len(list(out.glob("*/*.html"))) == 2
    assert not list(out.rglob("*.pdf"))
    assert (out / "校验结果.xlsx").exists() and list(out.glob("汇总-*.html"))


def test_batch_without_pdf_is_unaffected(tmp_path, no_libs):
    result = nianbao("batch", BUSY, "-o", tmp_path / "out", "--to", "docx", env=no_libs)
    assert result.code == 0 and NO_PDF not in result.err


WIZARD = '''\
import os, sys
sys.path.insert(0, {tests!r})
os.chdir({cwd!r})
from test_wizard import DOWN, ENTER, ZERO_2021, drive
code, session, screen = drive(ZERO_2021[:-1] + [DOWN + ENTER])  # 「保存数据文件并生成 Word 和 PDF 报告」
print(screen)
sys.exit(code)
'''


def test_wizard_saves_data_and_word_and_explains_pdf(tmp_path, no_libs):
    script = tmp_path / "drive.py"
    script.write_text(WIZARD.format(tests=str(ROOT / "tests"), cwd=str(tmp_path)), encoding="utf-8")
    env = {**os.environ, **no_libs, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stdout
    assert (tmp_path / "英林镇人民政府-2021.yaml").exists()
    assert (tmp_path / "英林镇人民政府2021年政府信息公开工作年度报告.docx").exists()
    assert not list(tmp_path.glob("*.pdf"))
    assert NO_PDF in result.stdout and "sudo apt install" in result.stdout


@pytest.mark.parametrize(
    "system, step",
    [
        ("win32", "pacman -S mingw-w64-ucrt-x86_64-pango"),
        ("darwin", "brew install pango"),
        ("freebsd14", "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#installation"),
    ],
)
def test_install_step_names_the_step_for_each_system(system, step):
    assert step in pdf.install_step(system)


@pytest.mark.parametrize(
    "release, apt",
    [
        ({"ID": "uos", "ID_LIKE": "debian"}, True),
        ({"ID": "kylin"}, True),
        ({"ID": "ubuntu", "ID_LIKE": "debian"}, True),
        ({"ID": "fedora"}, False),
    ],
)
def test_install_step_on_linux_follows_the_distribution(monkeypatch, release, apt):
    monkeypatch.setattr(pdf.platform, "freedesktop_os_release", lambda: release)
    step = pdf.install_step("linux")
    assert ("sudo apt install libpango-1.0-0" in step) is apt
    assert ("first_steps.html#installation" in step) is not apt
