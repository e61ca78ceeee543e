"""The nianbao command as a user runs it: exit codes, messages, files written or refused."""

import json
import subprocess
import sys

from conftest import BROKEN, BUSY, ROOT, YINGLIN
from helpers import run_cli

from generator.app.cli import main


def test_check_exit_codes(capsys):
    assert main(["check", str(BUSY)]) == 0
    assert "校验通过" in capsys.readouterr().out
    assert main(["check", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert "错误 [R3-1 列平衡]" in out and "列「自然人」" in out and "共发现 5 个错误" in out
    assert main(["check", "没有这个文件.yaml"]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_check_json(capsys):
    assert main(["check", "--json", str(BROKEN)]) == 1
    result = json.loads(capsys.readouterr().out)
    r31 = next(f for f in result["findings"] if f["rule"] == "R3-1")
    assert r31["operands"]["新收"] == 4 and r31["severity"] == "E" and r31["difference"] == 1


def test_check_bad_input_never_tracebacks(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 二〇二五\nagency: {name: 某镇}\n", encoding="utf-8")
    result = run_cli("check", bad)
    assert result.code == 2
    assert "Traceback" not in result.err and "year" in result.err


def test_render_refuses_errors_and_keeps_going_with_override(tmp_path, capsys):
    assert main(["render", str(BROKEN), "-o", str(tmp_path), "--to", "html"]) == 1
    assert "未生成报告" in capsys.readouterr().out and not list(tmp_path.iterdir())
    assert main(["render", str(BROKEN), "-o", str(tmp_path), "--to", "html", "--ignore-errors"]) == 0
    out = capsys.readouterr().out
    assert "错误 [R3-1 列平衡]" in out and len(list(tmp_path.glob("*.html"))) == 1


def test_render_never_overwrites_without_force(tmp_path, capsys):
    assert main(["render", str(BUSY), "-o", str(tmp_path), "--to", "html,docx"]) == 0
    html = next(tmp_path.glob("*.html"))
    html.write_text("我改过的版本", encoding="utf-8")
    assert main(["render", str(BUSY), "-o", str(tmp_path), "--to", "html"]) == 1
    assert "--force" in capsys.readouterr().err
    assert html.read_text(encoding="utf-8") == "我改过的版本"
    assert main(["render", str(BUSY), "-o", str(tmp_path), "--to", "html", "--force"]) == 0
    assert "青石街道办事处" in html.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_render_all_formats_as_a_subprocess(tmp_path):
    result = run_cli("render", YINGLIN, "-o", tmp_path)
    assert result.code == 0, result.err
    names = sorted(p.suffix for p in tmp_path.iterdir())
    assert names == [".docx", ".html", ".pdf"]


def test_usage_errors_are_chinese():
    result = run_cli("render")
    assert result.code == 2 and "缺少必需的参数" in result.err
    result = run_cli("render", BUSY, "--to", "odt")
    assert result.code == 2 and "不支持的输出格式" in result.err
    result = run_cli("--help")
    assert result.code == 0 and "命令" in result.out and "check" in result.out


def test_help_does_not_import_heavy_libraries():
    code = "import sys; from generator.app.cli import build_parser; build_parser(); print(sorted(m for m in ('weasyprint','docx','openpyxl','jsonschema') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


def test_schema_command(capsys):
    assert main(["schema", "--format", "2021"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "normative_docs" in schema["properties"]["active"]["properties"]
    assert "other_services" not in schema["properties"]["active"]["properties"]


def test_convert_data_to_json_and_back(tmp_path, capsys):
    out = tmp_path / "data.json"
    assert main(["convert", str(BUSY), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["requests"]["new"]["natural"] == 12
    assert main(["convert", str(BUSY), "-o", str(out)]) == 1  # exists: kept
