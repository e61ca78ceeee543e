"""End to end in a real terminal: ``nianbao wizard`` in tmux, as a clerk types.

Killed mid-way, resumed, finished; keys typed faster than the questions appear; a second unit after
a first one; every kind of prompt looked at for English. tmux runs on a private socket inside the
test's folder (``-S``), so no other tmux server is touched. Waiting for the screen uses a generous limit
only to fail instead of hanging; nothing here measures speed. tmux is one of the test tools
``make test`` installs (scripts/setup.sh --test).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT

from generator.formats import FORMAT_2021
from generator.inputs.datafile import read_data_file
from generator.inputs.wizard.session import remember_agency
from generator.report import Agency, ReportBuilder

NIANBAO = ROOT / ".venv" / "bin" / "nianbao"
pytestmark = pytest.mark.tmux


class Terminal:
    """One tmux pane running a command, on a private tmux server."""

    def __init__(self, cwd: Path, env: dict):
        self.socket = str(cwd / "tmux.sock")
        self.cwd, self.env = cwd, env
        self.seen: dict[str, int] = {}  # how often each text was waited for since the last start
        self.screens: list[str] = []  # the screen each time a question was waited for (prompts while shown)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, env=self.env).stdout

    def start(self, *argv: str) -> None:
        """Run nianbao with ``argv`` in a new pane; the pane stays on screen after it exits (its last words)."""
        self.start_shell(" ".join(["exec", str(NIANBAO), *argv]))

    def start_shell(self, command: str) -> None:
        """Run a shell command line in a new pane, kept on screen after it exits."""
        self.seen = {}
        self.tmux(
            "start-server",
            ";",
            "set-option",
            "-g",
            "remain-on-exit",
            "on",
            ";",
            "set-option",
            "-g",
            "remain-on-exit-format",
            "",
            ";",  # no English "Pane is dead" line
            "new-session",
            "-d",
            "-s",
            "wiz",
            "-x",
            "150",
            "-y",
            "45",
            "-c",
            str(self.cwd),
            command,
        )

    def screen(self) -> str:
        """Everything the pane shows, scrollback included."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "wiz")

    def wait_for(self, text: str, limit: float = 30) -> None:
        """Wait until ``text`` appears once more than it did the last time we waited for it."""
        wanted = self.seen.get(text, 0) + 1
        end = time.monotonic() + limit
        while time.monotonic() < end:
            screen = self.screen()
            if screen.count(text) >= wanted:
                self.seen[text] = wanted
                self.screens.append(screen)
                return
            time.sleep(0.05)
        raise AssertionError(f"屏幕上没有出现「{text}」：\n{self.screen()}")

    def type(self, text: str = "", *keys: str) -> None:
        if text:
            self.tmux("send-keys", "-t", "wiz", "-l", "--", text)
        if keys:
            self.tmux("send-keys", "-t", "wiz", *keys)

    def answer(self, question: str, text: str = "", *keys: str) -> None:
        """Wait for the next appearance of ``question``, then type the answer.

        Wait for the question itself (「? 报告年度」, questionary's mark first) where its words also appear
        elsewhere (a heading, a table): keys typed before a question is shown are discarded, as for a clerk.
        """
        self.wait_for(question)
        self.type(text, *(keys or ("Enter",)))

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "wiz", "#{pane_pid}").strip())

    def running(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "-S", self.socket, "has-session", "-t", "wiz"], capture_output=True, env=self.env
            ).returncode
            == 0
        )

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
    terminal.answer("? 报告年度", "2021")
    terminal.answer("? 机关名称", "英林镇人民政府")
    terminal.answer("? 自称")  # keeps the suggested 我镇
    terminal.answer("? 上级政府", "晋江市人民政府")
    terminal.answer("? 网站名称", "中国晋江")
    terminal.wait_for("? 网址")  # shown only after 网站名称 was saved
    pid = terminal.pid()
    os.kill(pid, signal.SIGKILL)
    saved = draft(tmp_path)["answers"]
    assert saved["agency.name"] == "英林镇人民政府" and saved["agency.website"] == "中国晋江"

    terminal.close()
    terminal.start("wizard", "--resume", "年报向导草稿.json")
    terminal.wait_for("? 网址")  # exactly where it stopped: the question after 网站名称
    assert "? 上级政府" not in terminal.screen()
    terminal.type("", "Enter")
    for label in ("? 联系部门", "? 地址（可不填", "? 邮编", "? 电话", "? 电子邮箱"):  # left empty
        terminal.answer(label)
    terminal.answer("? 本年度制发、废止规范性文件", "n")
    terminal.answer("? 行政规范性文件 · 现行有效件数", "3")
    terminal.answer("本年收费金额")
    terminal.answer("? 本年度是否收到政府信息公开申请", "n")
    terminal.answer("行政复议或行政诉讼", "n")

    # Close the terminal window in the middle of section 一 (SIGHUP), then resume a second time.
    terminal.answer("是否收取了政府信息公开信息处理费", "n")
    terminal.answer("? 正文怎么写")  # 「用参考文字起草」
    terminal.answer("开头段落（可删去不写）", "", "Escape", "Enter")
    terminal.wait_for("（一）主动公开：从哪段文字开始写")
    terminal.close()
    assert draft(tmp_path)["section"] == "overview"

    terminal.start("wizard", "--resume", "年报向导草稿.json")
    for _ in range(2):  # （一）（二）: the text generated from the numbers, taken as it is
        terminal.answer("从哪段文字开始写")
    for _ in range(4):  # （三）（四）（五） and 五: keep the suggested starting text
        terminal.answer("从哪段文字开始写")
        terminal.answer("可直接修改", "", "Escape", "Enter")
    terminal.answer("? 六、其他需要报告的事项", "", "Escape", "Enter")
    terminal.answer("? 发布日期", "2022-01-18")
    # The starting texts still hold 【…】 (error P-1), so the default choice is 「保存数据文件」 (no rendering).
    terminal.answer("? 核对无误后保存", "", "Enter")
    terminal.wait_for("已保存数据文件")

    report = read_data_file(tmp_path / "英林镇人民政府-2021.yaml")
    assert (report.agency.name, report.agency.parent, report.agency.website) == (
        "英林镇人民政府",
        "晋江市人民政府",
        "中国晋江",
    )
    assert report.number("active.normative_docs.in_force") == 3
    assert report.fees.collected is False and str(report.publication_date) == "2022-01-18"
    assert report.text("overview.intro") and report.text("problems")
    assert not (tmp_path / "年报向导草稿.json").exists()


# The questions themselves (「? 」 is questionary's mark): the labels alone also head the remembered unit's table.
AGENCY_LABELS = tuple(
    f"? {label}" for label in ("上级政府", "网站名称", "网址", "联系部门", "地址", "邮编", "电话", "电子邮箱")
)


def new_agency(terminal: Terminal, name: str) -> None:
    """Name typed, the suggested 自称 kept, every optional field left empty."""
    terminal.answer("? 机关名称", name)
    terminal.answer("? 自称")
    for label in AGENCY_LABELS:
        terminal.answer(label)


def test_fast_typing_across_a_yes_no_question_saves_nothing_unintended(terminal, tmp_path):
    terminal.start("wizard")
    terminal.answer("? 报告年度", "2021")
    new_agency(terminal, "英林镇人民政府")
    # n, Enter and one Enter too many in one burst: the extra Enter must not answer 现行有效件数 (it saved 0).
    terminal.answer("? 本年度制发、废止规范性文件", "n", "Enter", "Enter")
    terminal.answer("? 行政规范性文件 · 现行有效件数", "5", "Enter", "Enter")  # a number, the same burst
    terminal.answer("本年收费金额", "0.5")
    terminal.answer("? 本年度是否收到政府信息公开申请", "n", "Enter", "Enter")
    terminal.wait_for("行政复议或行政诉讼")
    terminal.type("", "Enter")  # the clerk's own Enter: 「否」 (the default) for this question
    terminal.wait_for("是否收取了政府信息公开信息处理费")
    answers = draft(tmp_path)["answers"]
    # Had a key leaked, 5 would have gone to 收费金额 and 0.5 been refused by the next question.
    assert answers["gate.active"] is False and answers["num.active.normative_docs.in_force"] == 5
    assert answers["num.active.fees.amount"] == "0.5"
    assert answers["gate.requests"] is False and answers["gate.appeals"] is False


def test_a_second_unit_never_inherits_the_first_ones_identity(terminal, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", terminal.env["XDG_CONFIG_HOME"])
    monkeypatch.delenv("APPDATA", raising=False)
    first = Agency(
        name="白沙乡人民政府",
        short_name="我乡",
        level="乡",
        parent="延平区人民政府",
        phone="0599-8888888",
        email="bsx@example.gov.cn",
    )
    remember_agency(ReportBuilder(year=2021, format=FORMAT_2021, agency=first).build())  # as its wizard run did
    terminal.start("wizard")
    terminal.answer("? 报告年度", "2021")
    terminal.wait_for("为哪个单位填报")
    assert "沿用上次填写的单位信息" in terminal.screen() and "延平区人民政府" in terminal.screen()
    terminal.type("", "Up", "Enter")  # 「为另一个单位填报」
    terminal.answer("? 机关名称", "英林镇人民政府")
    terminal.wait_for("? 自称")
    assert terminal.screen().rstrip().endswith("直接回车 = 「我镇」；输入新内容即替换，按 Tab 键可修改原内容）"), (
        "the suggestion follows the name, never the last unit"
    )
    terminal.type("", "C-u")
    terminal.type("我乡", "Enter")  # what the earlier version defaulted to: refused now
    terminal.wait_for("与机关名称「英林镇人民政府」不符")
    terminal.type("", "C-u")
    terminal.type("我镇", "Enter")
    terminal.wait_for("? 上级政府")
    assert terminal.screen().rstrip().endswith("直接回车）"), "nothing of 白沙乡 is offered"
    terminal.type("", "Enter")
    for label in AGENCY_LABELS[1:]:
        terminal.answer(label)
    terminal.wait_for("? 本年度制发、废止规范性文件")
    answers = draft(tmp_path)["answers"]
    assert answers["agency.short_name"] == "我镇" and answers["agency.level"] == "镇"
    assert all(not answers.get(f"agency.{k}") for k in ("parent", "phone", "email"))


ENGLISH = re.compile(r"[A-Za-z]{2,}")
OURS = {
    "Ctrl",
    "Enter",
    "Esc",
    "Tab",
    "nianbao",
    "wizard",
    "resume",
    "json",
    "yaml",
    "Word",
    "PDF",
    "docx",
}  # keys, files


def test_every_kind_of_prompt_speaks_chinese(terminal, tmp_path):
    """Text, number, whole row, yes/no, list, ticked list, multi-line and the Ctrl+C menu, each looked at
    while it is asked and after it is answered: no English word of questionary or prompt_toolkit."""
    terminal.start("wizard")
    terminal.answer("? 报告年度", "2021")
    terminal.answer("? 机关名称", "英林镇人民政府")
    terminal.wait_for("? 自称")
    terminal.type("", "C-c")
    terminal.answer("已按 Ctrl+C", "", "Down", "Enter")  # 「继续填写」
    terminal.answer("? 自称")
    for label in AGENCY_LABELS:
        terminal.answer(label)
    terminal.answer("? 本年度制发、废止规范性文件", "y")
    terminal.answer("? 行政规范性文件（", "1 0 3")
    for label in ("? 行政许可", "? 行政处罚", "? 行政强制", "本年收费金额"):
        terminal.answer(label)
    terminal.answer("? 本年度是否收到政府信息公开申请", "y")
    terminal.answer("哪几行有数", "", "Space", "Enter")  # （一）予以公开
    terminal.answer("? 一、本年新收", "1 0 0 0")  # too few numbers: refused, and said so
    terminal.wait_for("这一行要填 6 个数")
    terminal.type("", "C-u")
    terminal.type("1 0 0 0 0 0", "Enter")
    terminal.answer("? 二、上年结转")
    terminal.answer("? （一）予以公开", "1 0 0 0 0 0")
    terminal.answer("行政复议或行政诉讼", "y")
    terminal.answer("发生了哪几类", "", "Space", "Down", "Space", "Enter")  # two ticked: 「done (2 selections)」 before
    terminal.answer("? 行政复议（", "1 0 0 0")
    terminal.answer("? 行政诉讼 · 未经复议直接起诉（", "0 0 0 1")
    terminal.answer("是否收取了政府信息公开信息处理费", "n")
    terminal.answer("? 正文怎么写")
    terminal.answer("开头段落（可删去不写）", "", "Escape", "Enter")
    for _ in range(2):
        terminal.answer("从哪段文字开始写")
    for _ in range(4):
        terminal.answer("从哪段文字开始写")
        terminal.answer("可直接修改", "", "Escape", "Enter")
    terminal.answer("? 六、其他需要报告的事项", "", "Escape", "Enter")
    terminal.answer("? 发布日期", "2022-01-15")
    terminal.answer("? 核对无误后保存")
    terminal.wait_for("已保存数据文件")
    seen = "\n".join([*terminal.screens, terminal.screen()]).replace(str(tmp_path), "")
    words = set(ENGLISH.findall(seen)) - OURS
    assert not words, f"屏幕上有英文：{sorted(words)}"
    assert "? 发生了哪几类？ 行政复议、行政诉讼 · 未经复议直接起诉" in seen  # the ticked list, in Chinese
    assert read_data_file(tmp_path / "英林镇人民政府-2021.yaml").number("requests.granted.natural") == 1


def test_typing_replaces_a_suggestion_a_rejected_answer_is_cleared_and_ctrl_b_goes_back_one_question(
    terminal, tmp_path
):
    terminal.start("wizard")
    terminal.answer("? 报告年度", "2021")
    terminal.answer("? 机关名称", "东湖街道办事处")
    terminal.wait_for("直接回车 = 「本街道」")
    terminal.type("本街道", "Enter")  # typed over the suggestion: never 「本街道本街道」
    terminal.answer("? 上级政府", "城关区人民政府", "Enter", "Enter", "Enter")  # an Enter burst
    terminal.wait_for("? 网站名称")
    terminal.wait_for("多按的 2 个键没有用作回答")  # said, never applied to 网站名称 silently
    terminal.type("", "C-b")  # back ONE question: 上级政府, not the whole section
    terminal.wait_for("回到上一个问题")
    terminal.wait_for("直接回车 = 「城关区人民政府」")
    assert draft(tmp_path)["answers"]["agency.short_name"] == "本街道"
    terminal.type("", "Enter")
    for label in AGENCY_LABELS[1:]:
        terminal.answer(label)
    terminal.answer("? 本年度制发、废止规范性文件", "y")
    terminal.answer("? 行政规范性文件（", "-5 0 3")  # refused: cleared, the message quotes it
    terminal.wait_for("「-5 0 3」")
    terminal.type("1,0,3", "Enter")  # ASCII commas separate the numbers of a row
    terminal.wait_for("? 行政许可")
    answers = draft(tmp_path)["answers"]
    assert answers["agency.short_name"] == "本街道" and answers["agency.parent"] == "城关区人民政府"
    assert [answers[f"num.active.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")] == [1, 0, 3]
