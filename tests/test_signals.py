"""Ctrl-C, SIGTERM and SIGHUP (issue 19), sent as real signals to the real command: each ends the run within
5 s with 130 / 143 / 129, no traceback, no temporary file left, and says how to go on."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BUSY
from helpers import ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX 信号")
LIMIT = 5.0  # seconds from the first signal to the end of the process


def start(*args, cwd) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for_work(proc: subprocess.Popen, seconds: float = 2.0, started=None) -> None:
    """Let the command get into its work (imports done, files being read or rendered).

    With ``started`` (a check of the command's visible progress) wait until it holds instead of a fixed
    time, so a fast machine cannot finish the work before the signal arrives."""
    deadline = time.monotonic() + (60.0 if started else seconds)
    while time.monotonic() < deadline and proc.poll() is None:
        if started is not None and started():
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the command ended before it could be interrupted: give it more work"


def interrupt(proc: subprocess.Popen, signals: list[int], gap: float = 0.15) -> tuple[int, str, float]:
    """Send ``signals`` ``gap`` seconds apart; the exit code, stderr and the seconds until the process ended."""
    sent = time.monotonic()
    for signum in signals:
        if proc.poll() is None:
            proc.send_signal(signum)
        time.sleep(gap)
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return proc.returncode, err.decode("utf-8", "replace"), time.monotonic() - sent


def inputs(tmp_path, count: int) -> list:
    folder = tmp_path / "in"
    folder.mkdir()
    names = []
    for n in range(count):
        target = folder / f"单位{n:03d}-2025.yaml"
        shutil.copy(BUSY, target)
        names.append(target)
    return names


def leftovers(folder) -> list:
    return [p.name for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


@pytest.mark.parametrize(
    "signals,code,said",
    [
        ([signal.SIGINT] * 5, 130, "已中断（Ctrl+C）"),
        ([signal.SIGTERM], 143, "SIGTERM"),
        ([signal.SIGHUP, signal.SIGHUP, signal.SIGINT], 129, "SIGHUP"),
    ],
    ids=["five Ctrl-C", "SIGTERM", "SIGHUP then more"],
)
def test_render_ends_cleanly_with_the_signal_code_and_a_resume_note(tmp_path, signals, code, said):
    out = tmp_path / "out"
    proc = start("render", *inputs(tmp_path, 400), "-o", out, "--to", "docx,html", "--force", cwd=tmp_path)
    wait_for_work(proc, started=lambda: out.is_dir() and any(out.glob("*.docx")))
    rc, err, took = interrupt(proc, signals)
    assert (rc, took < LIMIT) == (code, True), err
    assert said in err and "Traceback" not in err and "Exception" not in err
    assert "继续生成未完成的部分，请运行：" in err and "nianbao render" in err
    assert not leftovers(tmp_path)


@pytest.mark.parametrize(
    "signals,code",
    [([signal.SIGINT, signal.SIGINT], 130), ([signal.SIGTERM], 143), ([signal.SIGHUP], 129)],
    ids=["Ctrl-C twice", "SIGTERM", "SIGHUP"],
)
def test_check_of_many_files_ends_cleanly(tmp_path, signals, code):
    proc = start("check", *inputs(tmp_path, 400), cwd=tmp_path)
    wait_for_work(proc, 2.5)
    rc, err, took = interrupt(proc, signals)
    assert (rc, took < LIMIT) == (code, True), err
    assert "已中断" in err and "Traceback" not in err


def test_import_ends_cleanly_on_sigterm(tmp_path):
    """An import busy reading a long report (a plain-text one, 4,000 copies of a paragraph)."""
    report = tmp_path / "报告.txt"
    report.write_text(
        "青石街道办事处2025年政府信息公开工作年度报告\n" + "一、总体情况。本机关依法公开政府信息。\n" * 40_000,
        encoding="utf-8",
    )
    proc = start("import", report, "-o", tmp_path / "out.yaml", cwd=tmp_path)
    time.sleep(1.2)
    if proc.poll() is not None:
        pytest.skip("导入在发出信号前已结束（机器很快）")
    rc, err, took = interrupt(proc, [signal.SIGTERM, signal.SIGTERM])
    assert (rc, took < LIMIT) == (143, True), err
    assert "Traceback" not in err and not (tmp_path / "out.yaml").exists() and not leftovers(tmp_path)


@pytest.mark.tmux
@pytest.mark.skipif(not shutil.which("tmux"), reason="tmux 未安装（make test 会安装）")
@pytest.mark.parametrize(
    "signum,code,said", [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGHUP, 129, "SIGHUP")], ids=["SIGTERM", "SIGHUP"]
)
def test_the_wizard_saves_its_draft_and_ends_on_a_signal(tmp_path, signum, code, said):
    from test_wizard_tmux import NIANBAO, Terminal

    env = {**os.environ, "LANG": "C.UTF-8", "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color"}
    terminal = Terminal(tmp_path, env)
    exit_file = tmp_path / "exit-code"
    try:
        # The shell around the wizard reaps it and writes its exit code: a loaded tmux server may leave the pane's
        # process a zombie without a status (seen under load), which would say nothing about the wizard itself.
        terminal.start_shell(f"{NIANBAO} wizard; echo $? > {exit_file}")
        terminal.answer("? 报告年度", "2021")
        terminal.answer("? 机关名称", "英林镇人民政府")
        terminal.wait_for("? 自称")
        shell = terminal.pid()
        wizard = int(Path(f"/proc/{shell}/task/{shell}/children").read_text().split()[0])
        os.kill(wizard, signum)
        sent = time.monotonic()
        while time.monotonic() - sent < 10 and not (exit_file.exists() and exit_file.read_text().strip()):
            time.sleep(0.05)
        took = time.monotonic() - sent
        screen = terminal.screen()
        assert (exit_file.read_text().strip() if exit_file.exists() else "", took < LIMIT) == (str(code), True), screen
        assert said in screen and "已保存草稿" in screen and "--resume" in screen and "Traceback" not in screen
        saved = json.loads((tmp_path / "年报向导草稿.json").read_text(encoding="utf-8"))["answers"]
        assert saved["agency.name"] == "英林镇人民政府"
    finally:
        terminal.close()
