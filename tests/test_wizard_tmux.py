"""End to end in a real terminal: ``nianbao wizard`` in tmux, killed mid-way, resumed, finished.

tmux runs on a private socket inside the test's folder (``-S``), so no other tmux server is touched.
Waiting for the screen uses a generous limit only to fail instead of hanging; nothing here measures
speed. tmux is one of the test tools ``make test`` installs (scripts/setup.sh --test).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT

from generator.inputs.datafile import read_data_file

NIANBAO = ROOT / ".venv" / "bin" / "nianbao"
pytestmark = pytest.mark.tmux


class Terminal:
    """One tmux pane running a command, on a private tmux server."""

    def __init__(self, cwd: Path, env: dict):
        self.socket = str(cwd / "tmux.sock")
        self.cwd, self.env = cwd, env
        self.seen: dict[str, int] = {}  # how often each text was waited for since the last start

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True,
                              env=self.env).stdout

    def start(self, *argv: str) -> None:
        """Run the command in a new pane; the pane stays on screen after the command exits (its last words)."""
        command = " ".join(["exec", str(NIANBAO), *argv])
        self.seen = {}
        self.tmux("start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
                  "new-session", "-d", "-s", "wiz", "-x", "150", "-y", "45", "-c", str(self.cwd), command)

    def screen(self) -> str:
        """Everything the pane shows, scrollback included."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "wiz")

    def wait_for(self, text: str, limit: float = 30) -> None:
        """Wait until ``text`` appears once more than it did the last time we waited for it."""
        wanted = self.seen.get(text, 0) + 1
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.screen().count(text) >= wanted:
                self.seen[text] = wanted
                return
            time.sleep(0.05)
        raise AssertionError(f"屏幕上没有出现「{text}」：\n{self.screen()}")

    def type(self, text: str = "", *keys: str) -> None:
        if text:
            self.tmux("send-keys", "-t", "wiz", "-l", "--", text)
        if keys:
            self.tmux("send-keys", "-t", "wiz", *keys)

    def answer(self, question: str, text: str = "", *keys: str) -> None:
        """Wait for the next appearance of ``question``, then type the answer."""
        self.wait_for(question)
        self.type(text, *(keys or ("Enter",)))

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "wiz", "#{pane_pid}").strip())

    def running(self) -> bool:
        return subprocess.run(["tmux", "-S", self.socket, "has-session", "-t", "wiz"], capture_output=True,
                              env=self.env).returncode == 0

    def close(self, limit: float = 30) -> None:
        """Kill this tmux server (like closing the terminal window) and wait until it is gone."""
        self.tmux("kill-server")
        end = time.monotonic() + limit
        while self.running() and time.monotonic() < end:
            time.sleep(0.05)


@pytest.fixture
def terminal(tmp_path):
    env = {**os.environ, "LANG": "C.UTF-8", "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color"}
    env.pop("APPDATA", None)
    term = Terminal(tmp_path, env)
    yield term
    term.close()


def draft(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "年报向导草稿.json").read_text(encoding="utf-8"))


def test_kill_9_mid_way_then_resume_keeps_every_answer(terminal, tmp_path):
    terminal.start("wizard")
    terminal.answer("报告年度", "2021")
    terminal.answer("机关名称", "英林镇人民政府")
    terminal.answer("自称")  # keeps the suggested 我镇
    terminal.answer("上级政府", "晋江市人民政府")
    terminal.answer("网站名称", "中国晋江")
    terminal.wait_for("网址")  # shown only after 网站名称 was saved
    pid = terminal.pid()
    os.kill(pid, signal.SIGKILL)
    saved = draft(tmp_path)["answers"]
    assert saved["agency.name"] == "英林镇人民政府" and saved["agency.website"] == "中国晋江"

    terminal.close()
    terminal.start("wizard", "--resume", "年报向导草稿.json")
    terminal.wait_for("网址")  # exactly where it stopped: the question after 网站名称
    assert "上级政府" not in terminal.screen()
    terminal.type("", "Enter")
    for label in ("联系部门", "地址（可不填", "邮编", "电话", "电子邮箱"):  # left empty
        terminal.answer(label)
    terminal.answer("本年度制发、废止规范性文件", "n", "")
    terminal.answer("行政规范性文件 · 现行有效件数", "3")
    terminal.answer("本年收费金额")
    terminal.answer("本年度是否收到政府信息公开申请", "n", "")
    terminal.answer("行政复议或行政诉讼", "n", "")

    # Close the terminal window in the middle of section 一 (SIGHUP), then resume a second time.
    terminal.answer("是否收取了政府信息公开信息处理费", "n", "")
    terminal.answer("开头段落", "", "Escape", "Enter")
    terminal.wait_for("（一）主动公开：从哪段文字开始写")
    terminal.close()
    assert draft(tmp_path)["section"] == "overview"

    terminal.start("wizard", "--resume", "年报向导草稿.json")
    for _ in range(6):  # （一）…（五） and 五: keep the suggested starting text
        terminal.answer("从哪段文字开始写", "", "Enter")
        terminal.answer("可直接修改", "", "Escape", "Enter")
    terminal.answer("六、其他需要报告的事项", "", "Escape", "Enter")
    terminal.answer("发布日期", "2022-01-18")
    # The starting texts still hold 【…】 (error P-1), so the default choice is 「保存数据文件」 (no rendering).
    terminal.answer("核对无误后保存", "", "Enter")
    terminal.wait_for("已保存数据文件")

    report = read_data_file(tmp_path / "英林镇人民政府-2021.yaml")
    assert (report.agency.name, report.agency.parent, report.agency.website) == (
        "英林镇人民政府", "晋江市人民政府", "中国晋江")
    assert report.number("active.normative_docs.in_force") == 3
    assert report.fees.collected is False and str(report.publication_date) == "2022-01-18"
    assert report.text("overview.intro") and report.text("problems")
    assert not (tmp_path / "年报向导草稿.json").exists()
