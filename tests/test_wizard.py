"""The terminal wizard driven through its real prompts (prompt_toolkit pipe input, no terminal needed).

Each test types a whole script of keystrokes, closes the input and runs the wizard: if the wizard
asked one question more than the script answers it would hit end of input (exit code 2), so the
exit code and the prompt count together pin down exactly which questions were asked.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import types
from datetime import date
from pathlib import Path

import pytest
from conftest import BUSY, MEIYANG, ROOT
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from generator.app.wizard import complete
from generator.checks import check
from generator.inputs import InputError
from generator.inputs.datafile import read_data_file
from generator.inputs.wizard import draft_answers, open_session
from generator.inputs.wizard.sections import suggested_date
from generator.prose import overview_part

ENTER, DOWN, UP, SPACE = "\r", "\x1b[B", "\x1b[A", " "
DONE = "\x1b\r"  # Esc, Enter: finish a multi-line answer
CTRL_B, CTRL_C, CTRL_U = "\x02", "\x03", "\x15"
YES, NO = "y" + ENTER, "n" + ENTER  # a yes/no question takes y or n, then Enter
SAVE_ONLY = UP + ENTER  # on the summary screen: 「保存数据文件」 (the default is 「…并生成 Word 报告」)
NEW_UNIT = UP + ENTER  # 「为另一个单位填报」, the last choice when units are remembered


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test in its own folder, with its own remembered agency details."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("APPDATA", raising=False)


def drive(keys: list[str], resume=None, answers=None, output=None):
    """Run the wizard on ``keys`` (one entry per prompt). Returns (exit code, session, screen text)."""
    screen = io.StringIO()
    args = types.SimpleNamespace(resume=resume, answers=answers, output=output)
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        pipe.close()
        session = open_session(args, pipe, DummyOutput(), Console(file=screen, width=140), cwd=Path.cwd())
        code = complete(session)
    return code, session, screen.getvalue()


def agency_keys(name: str, *rest: str) -> list[str]:
    """Name, short name (Enter keeps the suggested 我镇/本街道), then the eight optional fields."""
    fields = list(rest) + [""] * (8 - len(rest))
    return [name + ENTER, ENTER] + [f + ENTER for f in fields]


def prose_keys(parts: dict[str, str] | None = None, other: str = "") -> list[str]:
    """How to write (once), the opening, the five sub-parts of 一 and 五, then 六.

    Without ``parts``: from starting texts — （一）（二） take the generated factual text as it is (one choice,
    no edit) and the other parts get a short text of the clerk's own from 「从空白开始自己写」 (the last choice);
    a starting paragraph left with 【…】 in it would be an error, P-1. With ``parts``: written directly,
    one multi-line answer per part.
    """
    if parts is None:
        keys = [ENTER, CTRL_U + OWN_TEXT["intro"] + DONE, ENTER, ENTER]
        for key in ("management", "platform", "supervision", "problems"):
            keys += [UP + ENTER, OWN_TEXT[key] + DONE]
        return [*keys, other + DONE]
    keys = [DOWN + ENTER]  # 「每一节直接写」
    for key in ("intro", "active", "requests", "management", "platform", "supervision", "problems"):
        keys.append(parts[key] + DONE)
    return [*keys, other + DONE]


OWN_TEXT = {
    "intro": "本年度，我镇认真贯彻落实政府信息公开条例。",
    "active": "",
    "requests": "",
    "management": "明确党政办负责政府信息公开日常工作。",
    "platform": "依托市政府门户网站专栏发布信息。",
    "supervision": "将政务公开纳入年度考核，本年度未发生责任追究。",
    "problems": "栏目更新不够及时。下一步将每月检查栏目更新情况。",
}


ZERO_2021 = (
    ["2021" + ENTER]
    + agency_keys("英林镇人民政府", "晋江市人民政府")
    + [NO, "5" + ENTER, ENTER]  # 二: nothing issued/decided; 现行有效 5; 收费 0
    + [NO, NO, NO]  # no applications, no 复议/诉讼, no 信息处理费
    + prose_keys()
    + ["2022-01-15" + ENTER, SAVE_ONLY]
)


def test_zero_township_first_time_within_32_prompts():
    code, session, screen = drive(ZERO_2021)
    assert code == 0
    assert session.prompts == len(ZERO_2021) <= 32
    saved = Path("英林镇人民政府-2021.yaml")
    report = read_data_file(saved)
    assert report.year == 2021 and report.format.key == "2021"
    assert (report.agency.name, report.agency.level, report.agency.short_name, report.agency.parent) == (
        "英林镇人民政府",
        "镇",
        "我镇",
        "晋江市人民政府",
    )
    assert report.number("active.normative_docs.in_force") == 5
    assert all(report.number(p) == 0 for p in report.format.input_paths if p != "active.normative_docs.in_force")
    assert report.fees.collected is False
    assert str(report.publication_date) == "2022-01-15"
    assert report.text("overview.requests") == "", "generated text is left to follow the numbers"
    assert overview_part(report, "requests").startswith("本年度未收到政府信息公开申请")
    assert "现行有效5件" in overview_part(report, "active")
    assert not [f for f in check(report) if f.severity == "E"]
    assert not session.draft.exists(), "the draft is removed once the data file is saved"
    assert "校验通过" in screen


def test_zero_township_from_last_year_within_23_prompts():
    keys = (
        [ENTER, ENTER]  # year: Enter keeps 2022 (last year + 1); 「沿用2021年报告的单位信息」
        + [NO, ENTER, ENTER, NO, NO, NO]
        + prose_keys()
        + ["2023-01-20" + ENTER, SAVE_ONLY]
    )  # past the deadline: no date is suggested
    code, session, screen = drive(keys, answers=str(MEIYANG))
    assert code == 0
    assert session.prompts == len(keys) <= 23
    assert "已过公布期限" in screen and "2022年度报告应在 2023年1月31日 前公布" in screen
    report = read_data_file(Path("嵋阳镇人民政府-2022.yaml"))
    last = read_data_file(MEIYANG)
    assert report.year == 2022 and vars(report.agency) == vars(last.agency)
    assert str(report.publication_date) == "2023-01-20"
    for key, text in last.prose.items():  # last year's prose offered, never taken silently
        assert not text or report.text(key) != text.strip()


def test_last_years_prose_chosen_is_warned_as_t2(tmp_path):
    previous = read_data_file(MEIYANG)
    # In 五 pick 「上年原文」 (the choice before 「从空白开始自己写」) and keep it.
    keys = (
        [ENTER, ENTER, NO, ENTER, ENTER, NO, NO, NO, ENTER, CTRL_U + "本年度，我镇认真贯彻条例。" + DONE]
        + [ENTER] * 2
        + [UP + ENTER, "本年度的实际做法。" + DONE] * 3
        + [UP + UP + ENTER, DONE, DONE, "2023-01-20" + ENTER, SAVE_ONLY]
    )
    code, session, screen = drive(keys, answers=str(MEIYANG))
    assert code == 0
    report = read_data_file(Path("嵋阳镇人民政府-2022.yaml"))
    assert report.text("problems") == previous.text("problems")
    assert "照搬往年内容会被通报" in screen
    assert "[T-2 照搬往年] 五、存在的主要问题及改进情况" in screen


BUSY_PROSE = {k.rsplit(".", 1)[-1]: v.strip().replace("\n", ENTER) for k, v in read_data_file(BUSY).prose.items()}
BUSY_2025 = (
    ["2025" + ENTER]
    + agency_keys(
        "青石街道办事处",
        "江宁区人民政府",
        "江宁区人民政府门户网站",
        "https://www.jiangning.gov.cn/",
        "党政综合办公室",
        "江宁区青石街道青石路88号",
        "211100",
        "025-52100000",
        "qsjd@example.gov.cn",
    )
    # 二: yes; 行政规范性文件 as one row (制发 废止 现行有效), then 许可 (full-width), 处罚 (with a unit), 强制, 收费 0
    + [YES, "3 1 12" + ENTER, "１５６" + ENTER, "23件" + ENTER, "2" + ENTER, ENTER]
    # 三: yes; tick （一）（二）（三）4.（四）1.（五）1.（六）1. and 四、结转下年度 (positions 0 1 5 10 13 18 21)
    + [
        YES,
        SPACE
        + DOWN
        + SPACE
        + DOWN * 4
        + SPACE
        + DOWN * 5
        + SPACE
        + DOWN * 3
        + SPACE
        + DOWN * 5
        + SPACE
        + DOWN * 3
        + SPACE
        + ENTER,
    ]
    # one line per row (自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他): 新收, 上年结转, outcomes, 结转
    + [
        row + ENTER
        for row in (
            "12 3 0 0 1 0",
            "2 0 0 0 0 0",
            "6 2 0 0 1 0",
            "2 0 0 0 0 0",
            "1 0 0 0 0 0",
            "2 1 0 0 0 0",
            "1 0 0 0 0 0",
            "1 0 0 0 0 0",
            "1 0 0 0 0 0",
        )
    ]
    # 四: yes; 行政复议 and 未经复议直接起诉, one line each (维持 纠正 其他 尚未审结)
    + [YES, SPACE + DOWN + SPACE + ENTER, "1 0 0 1" + ENTER, "1 0 0 0" + ENTER]
    + [NO]
    + prose_keys(BUSY_PROSE, BUSY_PROSE["other"])
    + ["2026-01-20" + ENTER, SAVE_ONLY]
)


def test_busy_street_office_matches_the_published_example_within_45_prompts():
    code, session, screen = drive(BUSY_2025)
    assert code == 0, screen
    assert session.prompts == len(BUSY_2025) <= 44
    saved = read_data_file(Path("青石街道办事处-2025.yaml"))
    expected = read_data_file(BUSY)
    assert saved.numbers == expected.numbers
    assert vars(saved.agency) == vars(expected.agency)
    assert {k: saved.text(k) for k in expected.prose} == {k: expected.text(k) for k in expected.prose}
    assert saved.publication_date == expected.publication_date
    assert check(saved) == []
    assert "「自然人」：一+二 = 14，（七）总计+四 = 14" in screen  # R3-1 shown live per column
    assert "校验通过" in screen


def test_resume_continues_at_the_same_question():
    cut = 14  # input ends inside section 二, right after 「行政许可」 (like a closed terminal)
    code, first, _ = drive(BUSY_2025[:cut])
    assert code == 2 and first.draft.exists()
    answers = draft_answers(first.draft)
    assert answers["agency.name"] == "青石街道办事处" and answers["num.active.normative_docs.in_force"] == 12
    code, second, _ = drive(BUSY_2025[cut:], resume=str(first.draft))
    assert code == 0
    assert second.prompts == len(BUSY_2025) - cut, "nothing asked twice, nothing skipped"
    assert read_data_file(Path("青石街道办事处-2025.yaml")).numbers == read_data_file(BUSY).numbers


def test_ctrl_c_offers_to_save_and_quit():
    code, session, screen = drive(["2021" + ENTER, "英林镇人民政府" + ENTER, CTRL_C, ENTER])
    assert code == 130
    assert "--resume" in screen
    state = json.loads(session.draft.read_text(encoding="utf-8"))
    assert state["answers"]["agency.name"] == "英林镇人民政府"
    assert state["section"] == "basics" and state["done"] == ["year", "agency.name"]


def test_ctrl_c_then_continue_asks_the_same_question_again():
    keys = [*ZERO_2021[:2], CTRL_C, DOWN + ENTER, *ZERO_2021[2:]]
    code, session, _ = drive(keys)
    assert code == 0 and session.prompts == len(keys)
    assert Path("英林镇人民政府-2021.yaml").exists()


def test_ctrl_b_goes_back_one_question_at_a_time_with_earlier_answers_as_defaults():
    at_requests_gate = 14  # the first question of 三
    keys = (
        ZERO_2021[:at_requests_gate]
        + [CTRL_B]  # back to the last question of 二 (收费金额) only
        + [CTRL_B]  # and one more: 现行有效
        + ["7" + ENTER, "0.5" + ENTER]  # 现行有效 now 7, 收费金额 0.5 万元
        + ZERO_2021[at_requests_gate:]
    )
    code, session, _ = drive(keys)
    assert code == 0
    report = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert report.number("active.normative_docs.in_force") == 7
    assert float(report.number("active.fees.amount")) == 0.5


def test_numbers_are_validated_as_typed():
    in_force = 12  # 「行政规范性文件 · 现行有效件数」: a negative number and text are refused, full-width digits taken
    typed = "-3" + ENTER + CTRL_U + "abc" + ENTER + CTRL_U + "１２" + ENTER
    keys = [*ZERO_2021[:in_force], typed, *ZERO_2021[in_force + 1 :]]
    code, session, _ = drive(keys)
    assert code == 0
    assert read_data_file(Path("英林镇人民政府-2021.yaml")).number("active.normative_docs.in_force") == 12


def test_unbalanced_column_can_be_typed_again():
    keys = (
        ZERO_2021[:14]
        + [YES, DOWN * 21 + SPACE + ENTER]  # 三: only 四、结转下年度 ticked (the last row)
        + ["2 0 0 0 0 0" + ENTER, ENTER, "1 0 0 0 0 0" + ENTER]  # 新收 2, 上年结转 0, 结转下年度 1 → 2 ≠ 1
        + [ENTER]  # 「重新填写这几行」
        + ["1 0 0 0 0 0" + ENTER, ENTER, ENTER]  # typed again: 1 + 0 = 0 + 1
        + ZERO_2021[15:]
    )
    code, session, screen = drive(keys)
    assert code == 0, screen
    assert "不平衡，相差 1" in screen and "✓ 平衡" in screen
    saved = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert (saved.number("requests.new.natural"), saved.number("requests.carry_forward.natural")) == (1, 1)


def test_existing_data_file_is_never_overwritten_silently():
    Path("英林镇人民政府-2021.yaml").write_text("# 用户自己的文件\n", encoding="utf-8")
    code, session, _ = drive([*ZERO_2021, ENTER])  # 「另存为 …-2.yaml」 is the default
    assert code == 0
    assert Path("英林镇人民政府-2021.yaml").read_text(encoding="utf-8") == "# 用户自己的文件\n"
    assert read_data_file(Path("英林镇人民政府-2021-2.yaml")).agency.name == "英林镇人民政府"


def test_agency_details_are_remembered_for_the_next_run():
    drive(ZERO_2021)
    keys = ["2022" + ENTER, ENTER] + ZERO_2021[11:-1] + [SAVE_ONLY]  # 「为「英林镇人民政府」填报，沿用…」
    code, session, _ = drive(keys, output="第二年.yaml")
    assert code == 0 and session.prompts == len(keys)
    report = read_data_file(Path("第二年.yaml"))
    assert (report.year, report.agency.name, report.agency.parent) == (2022, "英林镇人民政府", "晋江市人民政府")


def test_resume_refuses_a_file_that_is_not_a_draft():
    with pytest.raises(InputError, match="不是向导的草稿文件"):
        open_session(types.SimpleNamespace(resume=str(BUSY), answers=None, output=None))


def test_without_a_terminal_the_wizard_refuses_in_chinese(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "nianbao"), "wizard"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 2
    assert "不是终端" in done.stderr and "填报表" in done.stderr and "数据文件" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not list(tmp_path.glob("*.json")), "no draft is left behind"


def test_stray_keys_and_an_impossible_year_are_refused():
    keys = ["1999" + ENTER + CTRL_U + "2021" + ENTER, *ZERO_2021[1:11], DONE + NO, *ZERO_2021[12:]]
    code, session, _ = drive(keys)
    assert code == 0 and session.prompts == len(keys)
    saved = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert saved.year == 2021 and saved.number("active.normative_docs.in_force") == 5


def test_ctrl_c_can_also_drop_the_draft():
    code, session, screen = drive(["2021" + ENTER, CTRL_C, UP + ENTER])  # 「退出并删除草稿」 is the last choice
    assert code == 130 and not session.draft.exists()
    assert "草稿已删除" in screen


def test_summary_screen_goes_back_to_a_section_and_renders_word():
    back_to_active = DOWN * 3 + ENTER  # from the default 「…并生成 Word 报告」 down to 「返回修改：二、…」
    keys = ZERO_2021[:-1] + [back_to_active, NO, "8" + ENTER, ENTER] + [ENTER]  # Enter: save + Word
    code, session, screen = drive(keys)
    assert code == 0, screen
    assert read_data_file(Path("英林镇人民政府-2021.yaml")).number("active.normative_docs.in_force") == 8
    word = Path("英林镇人民政府2021年政府信息公开工作年度报告.docx")
    assert word.read_bytes()[:2] == b"PK" and "已生成" in screen
    assert screen.count("校验通过") == 2, "the summary is shown again after the change"


def test_last_years_carry_forward_is_prefilled():
    # 2025 street office (结转下年度: 自然人 1, 现行有效 12) → 2026: 上年结转 1, 现行有效 12 offered as defaults.
    keys = (
        [ENTER, ENTER, ENTER, ENTER, ENTER]  # 2026; same agency; 二 gate (default 否); 现行有效 12; 收费 0
        + [ENTER, SPACE + ENTER]  # 三 gate (default 是: there is a carry-over); tick （一）予以公开
        + [ENTER, ENTER, "1 0 0 0 0 0" + ENTER]  # 新收 0s, 上年结转 1 0 0 0 0 0 (default), 予以公开 1
        + [NO, NO]
        + prose_keys()
        + ["2027-01-20" + ENTER, SAVE_ONLY]
    )
    code, session, screen = drive(keys, answers=str(BUSY))
    assert code == 0, screen
    saved = read_data_file(Path("青石街道办事处-2026.yaml"))
    assert saved.number("requests.carried_over.natural") == 1 and saved.number("requests.granted.natural") == 1
    assert saved.number("active.normative_docs.in_force") == 12
    assert "X-1" not in screen and "X-2" not in screen and "R3-1" not in screen


def test_a_2020_report_asks_the_2019_format_questions():
    # 2019 format: gate 「否」 still asks the stock figures (对外公开总数量, 上一年项目数量, 政府集中采购).
    stock = ["23" + ENTER] + [ENTER] * 5 + ["1 500,0000" + ENTER]  # 政府集中采购: 项目数量 and 总金额 on one line
    keys = [
        "2020" + ENTER,
        *agency_keys("英林镇人民政府"),
        NO,
        *stock,
        NO,
        NO,
        NO,
        *prose_keys(),
        "2021-01-15" + ENTER,
        SAVE_ONLY,
    ]
    code, session, screen = drive(keys)
    assert code == 0, screen
    assert session.prompts == len(keys) <= 37
    saved = read_data_file(Path("英林镇人民政府-2020.yaml"))
    assert saved.format.key == "2019"
    assert saved.number("active.normative_docs.total_public") == 23
    assert (saved.number("active.procurement.items"), saved.number("active.procurement.amount")) == (1, 5000000)
    assert "千位分隔符位置不对" in screen, "the number parser's note is shown right after the answer"


def test_starting_paragraphs_left_with_placeholders_are_an_error():
    keys = (
        ["2021" + ENTER]
        + agency_keys("英林镇人民政府")
        + [NO, "5" + ENTER, ENTER, NO, NO, NO]
        + [ENTER, DONE]
        + [ENTER] * 2
        + [ENTER, DONE] * 4  # starting texts kept as they are, 【…】 and all
        + [DONE]
        + ["2022-01-15" + ENTER, ENTER]
    )  # with errors the default is 保存
    code, session, screen = drive(keys)
    assert code == 1, "saved, but the data has errors"
    assert "P-1" in screen and "【" in screen
    report = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert "P-1" in {f.rule for f in check(report) if f.severity == "E"}


# --- whose details: one unit never lends its identity to another --------------------------------

BAISHA = [
    "2021" + ENTER,  # 自称: Enter keeps the suggested 我乡
    *agency_keys("白沙乡人民政府", "延平区人民政府", "", "", "", "", "353000", "0599-8888888"),
    *ZERO_2021[11:],
]


def test_a_second_unit_never_inherits_the_first_ones_identity():
    assert drive(BAISHA)[0] == 0
    keys = ["2021" + ENTER, NEW_UNIT, *agency_keys("英林镇人民政府"), *ZERO_2021[11:]]
    code, session, screen = drive(keys)
    assert code == 0 and session.prompts == len(keys), screen
    report = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert (report.agency.short_name, report.agency.level) == ("我镇", "镇")
    assert not (report.agency.parent or report.agency.postcode or report.agency.phone), "nothing of 白沙乡"
    assert "T-3" not in {f.rule for f in check(report)}
    assert "我乡" not in Path("英林镇人民政府-2021.yaml").read_text(encoding="utf-8")


def test_units_are_remembered_each_under_its_own_name():
    drive(BAISHA)
    drive(["2021" + ENTER, NEW_UNIT, *agency_keys("英林镇人民政府", "晋江市人民政府"), *ZERO_2021[11:]])
    # Now two units, 英林镇 (used last) first: 「为「白沙乡人民政府」填报，沿用…」 is the second choice.
    keys = ["2022" + ENTER, DOWN + ENTER, *ZERO_2021[11:-1], SAVE_ONLY]
    code, session, screen = drive(keys, output="白沙乡2022.yaml")
    assert code == 0 and session.prompts == len(keys)
    agency = read_data_file(Path("白沙乡2022.yaml")).agency
    assert (agency.name, agency.short_name, agency.parent, agency.phone) == (
        "白沙乡人民政府",
        "我乡",
        "延平区人民政府",
        "0599-8888888",
    )


def test_the_clerk_cannot_type_another_units_self_reference_or_a_malformed_contact():
    keys = (
        ["2021" + ENTER, "英林镇人民政府" + ENTER, CTRL_U + "我乡" + ENTER + CTRL_U + "我镇" + ENTER]
        + [ENTER] * 5
        + [
            "21110" + ENTER + CTRL_U + "362256" + ENTER,
            "0595-856" + ENTER + CTRL_U + ENTER,
            "y1zdzb＠sina.com" + ENTER + CTRL_U + "y1zdzb@sina.com" + ENTER,
        ]
        + ZERO_2021[11:]
    )
    code, session, _ = drive(keys)
    assert code == 0 and session.prompts == len(keys), "each refused answer is typed again at the same prompt"
    agency = read_data_file(Path("英林镇人民政府-2021.yaml")).agency
    assert (agency.short_name, agency.postcode, agency.phone, agency.email) == ("我镇", "362256", "", "y1zdzb@sina.com")


def test_the_clerk_cannot_type_a_seal_note_after_the_agency_name():
    keys = ["2021" + ENTER, "英林镇人民政府（盖章）" + ENTER + CTRL_U + "英林镇人民政府" + ENTER, *ZERO_2021[2:]]
    code, session, _ = drive(keys)
    assert code == 0 and session.prompts == len(keys), "the refused name is typed again at the same prompt"
    assert read_data_file(Path("英林镇人民政府-2021.yaml")).agency.name == "英林镇人民政府"


def test_a_pasted_name_with_a_line_break_is_refused_at_the_prompt():
    paste = "\x1b[200~英林镇\n人民政府\x1b[201~"  # a terminal's bracketed paste of two lines
    keys = ["2021" + ENTER, paste + ENTER + CTRL_U + "英林镇人民政府" + ENTER, *ZERO_2021[2:]]
    code, session, _ = drive(keys)
    assert code == 0 and session.prompts == len(keys), "the pasted name is refused and typed again"
    assert read_data_file(Path("英林镇人民政府-2021.yaml")).agency.name == "英林镇人民政府"


# --- a draft left behind is offered --------------------------------------------------------------


def test_running_again_offers_to_continue_the_draft():
    code, first, _ = drive(ZERO_2021[:12])  # stopped in section 二 (input ended)
    assert code == 2 and first.draft.exists()
    code, second, screen = drive([ENTER, *ZERO_2021[12:]])  # no --resume: 「接着填草稿 …」 is the default
    assert code == 0, screen
    assert "年报向导草稿.json（英林镇人民政府 2021年度，填到「二、主动公开政府信息情况」）" in screen
    assert second.prompts == 1 + len(ZERO_2021) - 12, "nothing asked again"
    assert read_data_file(Path("英林镇人民政府-2021.yaml")).number("active.normative_docs.in_force") == 5
    assert not first.draft.exists()


def test_a_new_report_leaves_the_draft_alone():
    drive(ZERO_2021[:12])
    kept = Path("年报向导草稿.json").read_bytes()
    code, session, _ = drive([DOWN + ENTER, *ZERO_2021], output="新的.yaml")  # 「新填一份报告（草稿保留不动）」
    assert code == 0 and session.draft.name == "年报向导草稿-2.json"
    assert Path("年报向导草稿.json").read_bytes() == kept


# --- before saving: the whole text, and any part of it ------------------------------------------


def test_the_summary_shows_the_whole_text_and_goes_back_to_one_part():
    to_platform = DOWN * 11 + ENTER  # from 「…并生成 Word 报告」 to 「返回修改：一、总体情况 · （四）…」
    keys = [*ZERO_2021[:-1], to_platform, ENTER, CTRL_U + "依托县政府门户网站乡镇专栏发布信息。" + DONE, SAVE_ONLY]
    code, session, screen = drive(keys)
    assert code == 0 and session.prompts == len(keys), "only that part was asked again"
    summary = screen[screen.index("核对全文") :]
    for text in (
        "英林镇人民政府2021年政府信息公开工作年度报告",
        "本报告根据《中华人民共和国政府信息公开条例》",
        "本年度未收到政府信息公开申请",
        "现行有效5件",  # （一）（二） as generated from the numbers
        "（四）政府信息公开平台建设",
        OWN_TEXT["platform"],
        OWN_TEXT["problems"],
        "本年度未收取政府信息公开信息处理费。",
        "2022年1月15日",
    ):
        assert text in summary, text
    report = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert report.text("overview.platform") == "依托县政府门户网站乡镇专栏发布信息。"
    assert report.text("overview.supervision") == OWN_TEXT["supervision"]


# --- rows typed on one line -----------------------------------------------------------------------


def test_a_row_is_checked_against_its_columns_as_typed():
    row = (
        "1 0 0"
        + ENTER
        + CTRL_U
        + "1 0 0 0 0 -1"
        + ENTER
        + CTRL_U
        + "1 0 0 0 0 半"
        + ENTER  # 3 numbers; -1; text
        + CTRL_U
        + "１　0、0 0 0 0"
        + ENTER
    )  # full-width digit and space, 「、」: taken
    keys = [*ZERO_2021[:14], YES, SPACE + ENTER, row, ENTER, "1 0 0 0 0 0" + ENTER, *ZERO_2021[15:]]
    code, session, screen = drive(keys)
    assert code == 0 and session.prompts == len(keys), screen
    saved = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert (saved.number("requests.new.natural"), saved.number("requests.granted.total")) == (1, 1)
    assert "全角字符已转为半角" in screen


def test_publication_date_suggested_only_within_the_deadline():
    assert suggested_date(2025, date(2026, 1, 12)) == date(2026, 1, 12)
    assert suggested_date(2025, date(2026, 1, 31)) == date(2026, 1, 31)
    assert suggested_date(2025, date(2026, 2, 1)) is None, "past the deadline: the clerk types the real date"
    assert suggested_date(2025, date(2025, 12, 20)) == date(2026, 1, 20), "written ahead: 1月20日"


def test_chinese_numerals_and_amounts_in_another_unit_are_read_with_a_note():
    in_force, fee = 12, 13  # 现行有效件数, then section 二's 收费金额 (万元)
    keys = [*ZERO_2021[:in_force], "三十" + ENTER, "5000元" + ENTER, *ZERO_2021[fee + 1 :]]
    code, session, screen = drive(keys)
    assert code == 0
    report = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert report.number("active.normative_docs.in_force") == 30
    assert float(report.number("active.fees.amount")) == 0.5
    assert "「三十」已按 30 读取" in screen and "已换算为 0.5 万元" in screen


def test_edit_reopens_a_saved_data_file_for_correction_not_as_last_year(tmp_path):
    from generator.inputs import load_report
    from generator.inputs.wizard.session import build_report

    busy = load_report(BUSY)
    args = types.SimpleNamespace(resume=None, answers=None, output=None, edit=str(BUSY))
    session = open_session(args, None, DummyOutput(), Console(file=io.StringIO()), cwd=tmp_path)
    state = session.state
    assert state.previous is None and state.output == str(BUSY) and "正在修改" in state.base_source
    report = build_report(state)
    assert report.year == busy.year and report.numbers == busy.numbers
    assert report.text("problems") == busy.text("problems")
    assert state.answers["prose.overview.active"] == busy.text("overview.active")


def test_forget_deletes_the_remembered_units_and_says_where(tmp_path, monkeypatch, capsys):
    from generator.app.cli import main

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("APPDATA", raising=False)
    remembered = tmp_path / "nianbao" / "agency.json"
    remembered.parent.mkdir()
    remembered.write_text("{}", encoding="utf-8")
    assert main(["wizard", "--forget"]) == 0
    assert not remembered.exists() and str(remembered) in capsys.readouterr().out
    assert main(["wizard", "--forget"]) == 0 and "不存在" in capsys.readouterr().out


def test_new_clerk_mistakes_are_refused_saying_why_and_office_typing_is_read_with_a_note():
    """At 现行有效件数: an estimate, a range, a percentage, an ambiguous comma, Word's minus sign — each refused
    and cleared (the next answer is typed into an empty line); then 12 with a zero-width space after it. At the 万元
    收费金额 「¥5000」, and at the 信息处理费 (元) 「1.5万元」: converted, both values shown."""
    in_force, fee, gate = 12, 13, 16
    refused = ["约5件", "5-6", "50%", "1,5", "−3"]
    typed = "".join(r + ENTER for r in refused) + "12\u200b" + ENTER
    keys = [
        *ZERO_2021[:in_force],
        typed,
        "¥5000" + ENTER,
        *ZERO_2021[fee + 1 : gate],
        YES,
        "1.5万元" + ENTER,
        "1" + ENTER,
        *ZERO_2021[gate + 1 :],
    ]
    code, session, screen = drive(keys)
    assert code in (0, 1), screen
    assert "零宽空格 U+200B" in screen and "已换算为 0.5 万元" in screen and "已换算为 15000 元" in screen
    report = read_data_file(Path("英林镇人民政府-2021.yaml"))
    assert report.number("active.normative_docs.in_force") == 12
    assert float(report.number("active.fees.amount")) == 0.5 and report.fees.amount == 15000


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("约5件", "是约数"),
        ("5件左右", "是约数"),
        ("5-6", "是一个范围"),
        ("50%", "是百分比"),
        ("1,5", "逗号看不出"),
        ("−3", "件数不能为负数"),
        ("2026.1.5", "像是日期"),
        ("1万", "10000"),
        ("5000元", "这里要填的是件数"),
    ],
)
def test_the_wizard_says_why_a_typed_count_is_refused(typed, reason):
    from generator.formats import COUNT
    from generator.inputs.wizard.session import _row_problem

    assert reason in _row_problem(typed, [("", COUNT, "")])
    assert reason in _row_problem(f"1 0 {typed} 0 0 0", [(str(i), COUNT, "") for i in range(6)])
