"""The wizard's prose sections: 一 (opening and five sub-parts), 五 and 六.

The clerk says once how to write: from starting texts or directly. From starting texts, each sub-part
begins with a choice — the factual text generated from the tables (taken as it is, or edited), one of
a few starting paragraphs, or (never by default) last year's text — then a multi-line edit; directly,
each sub-part is one multi-line prompt. Reusing last year's wording is warned about as rule T-2 does.
"""

from __future__ import annotations

from ... import prose
from ...checks.cross_year import t2_copied_prose
from ...formats import HEADINGS
from ...report import PROSE_FIELDS, Report
from .sections import heading
from .session import Session
from .view import _escape

PLACEHOLDER = "【"

# Starting paragraphs; {who} is how the agency calls itself (我镇), {year} the report year.
# 【…】 marks what only the clerk knows; the wizard reminds them while any is left.
STARTERS = {
    "overview.intro": [
        "{year}年，{who}认真贯彻落实《中华人民共和国政府信息公开条例》，围绕【本年度中心工作】，"
        "坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。",
    ],
    "overview.active": [
        "{year}年，{who}通过【政府门户网站专栏、政务新媒体、公开栏】主动公开政府信息【】条，"
        "其中【民生保障、财政预决算、重大建设项目】等重点领域信息【】条。",
    ],
    "overview.requests": [
        "{who}严格按照《条例》规定的程序和时限受理、办理政府信息公开申请，规范答复文书。",
    ],
    "overview.management": [
        "严格落实“先审查、后公开”和“一事一审”制度，本年度对拟公开信息开展保密审查【】件次；"
        "更新政府信息公开指南和目录，做好公开属性源头认定。",
        "开展规范性文件清理，清理后继续有效【】件、废止【】件，清理结果已向社会公开。",
        "明确【党政办】负责政府信息公开日常工作，配备工作人员【】名，组织业务培训【】次。",
    ],
    "overview.platform": [
        "依托【上级政府门户网站专栏】集中发布政府信息，本年度更新栏目【】个、发布信息【】条。",
        "加强政务新媒体管理，“【账号名称】”本年度发布信息【】条；各村（社区）公开栏按【季度】更新。",
    ],
    "overview.supervision": [
        "将政务公开工作纳入年度考核，开展社会评议【】次；本年度未发生政府信息公开工作责任追究情况。",
        "主动接受群众和媒体监督，畅通意见反映渠道，本年度收到并办理有关意见建议【】件。",
    ],
    "problems": [
        "一是【公开内容不够全面，部分栏目更新不及时】；二是【政策解读形式较为单一】。"
        "下一步，{who}将【定期检查栏目更新，对重要政策同步制作图解解读】，切实提高公开质量。",
        "上年度提出的【问题】，已通过【具体措施】得到解决。本年度存在的主要问题是【】，改进措施是【】。",
    ],
}
GENERATED = {"overview.active": prose.active_summary, "overview.requests": prose.requests_summary}
STARTING_TEXTS, DIRECT = "starters", "direct"  # how the clerk writes the prose (asked once, 「prose.mode」)
INTRO = "overview.intro"


def part_titles(report: Report) -> dict[str, str]:
    """Every prose part the wizard asks, in report order → its title (开头段落, （一）主动公开 … 六、…)."""
    return {
        INTRO: "开头段落",
        **{f"overview.{k}": title for k, title in report.format.overview_parts},
        "problems": HEADINGS[4],
        "other": HEADINGS[5],
    }


def overview(s: Session) -> None:
    """Section 一: how to write (once), the opening paragraph and the five sub-parts; or the one part reopened."""
    report = s.report()
    heading(s, HEADINGS[0])
    keys = [k for k in part_titles(report) if k.startswith("overview.")]
    if s.state.part in keys:
        keys = [s.state.part]
    else:
        s.select(
            "prose.mode",
            "正文怎么写？",
            [
                ("用参考文字起草：每一节先选一段参考文字（或按表格数字自动生成），再修改", STARTING_TEXTS),
                ("每一节直接写（已经写过的内容会预先填好）", DIRECT),
            ],
        )
    for key in keys:
        if key == INTRO:
            intro(s)
        else:
            part(s, key, part_titles(report)[key])


def intro(s: Session) -> None:
    start = _fill(STARTERS[INTRO][0], s.report()) if _mode(s) == STARTING_TEXTS else ""
    text = s.text(f"prose.{INTRO}", PROSE_FIELDS[INTRO] + "（可删去不写）", start, multiline=True)
    _after(s, INTRO, text)


def problems(s: Session) -> None:
    heading(s, HEADINGS[4])
    s.console.print("[dim]请写本年度真实存在的问题和具体改进措施，也可写上年问题的整改情况。[/dim]")
    part(s, "problems", HEADINGS[4], required=True)


def other(s: Session) -> None:
    report = s.report()
    heading(s, HEADINGS[5])
    fee = prose.fee_statement(report)
    if fee:
        s.console.print(f"[dim]信息处理费的说明会自动写入：{fee}[/dim]")
    s.console.print(
        "[dim]常见事项：落实上级年度政务公开工作要点情况；人大代表建议和政协提案办理结果公开情况；"
        "政务公开工作创新情况。没有请直接完成。[/dim]"
    )
    text = s.text("prose.other", PROSE_FIELDS["other"], "", multiline=True)
    _after(s, "other", text)


def part(s: Session, key: str, title: str, required: bool = False) -> str:
    """One prose field: written directly, or from a chosen starting text (generated text may be taken as it is)."""
    if _mode(s) == DIRECT:
        hint = "（不写则按表格数字自动生成）" if key in GENERATED else ""
        text = s.text(f"prose.{key}", f"{title}{hint}", "", required=required, multiline=True)
        _after(s, key, text)
        return text
    report = s.report()
    options = _options(s, key, report)
    choice = s.select(
        f"prose.{key}.choice",
        f"{title}：从哪段文字开始写？",
        [(label, value) for value, label, _ in options],
        options[0][0],
    )
    if choice == "generated":  # left empty: printed as generated from the numbers, so it follows them
        s.set_many({f"prose.{key}": ""})
        return ""
    start = next((text for value, _, text in options if value == choice), "")
    if choice == "previous":
        s.console.print(
            "[yellow]这是上年报告的原文。照搬往年内容会被通报（规则 T-2），请按本年度实际情况改写。[/yellow]"
        )
    text = s.text(f"prose.{key}", f"{title}（可直接修改）", start, required=required, multiline=True)
    _after(s, key, text)
    return text


def _mode(s: Session) -> str:
    return s.answers.get("prose.mode") or STARTING_TEXTS


def _options(s: Session, key: str, report: Report) -> list[tuple[str, str, str]]:
    """(value, menu label, text) for each starting point; the first is the default."""
    options = []
    current = s.answers.get(f"prose.{key}")
    if current:
        options.append(("current", "已填写的内容：" + _preview(current), current))
    if key in GENERATED:
        generated = GENERATED[key](report)
        options.append(("generated", "按表格数字自动生成，不用修改：" + _preview(generated), generated))
        options.append(("generated.edit", "在自动生成的文字上修改", generated))
    for i, starter in enumerate(STARTERS.get(key, []), start=1):
        text = _fill(starter, report)
        options.append((f"starter{i}", f"参考段落{i}：" + _preview(text), text))
    last = ((s.state.previous or {}).get("prose") or {}).get(key)
    if last:
        options.append(("previous", "上年原文（不要照搬，须改写）：" + _preview(last), last))
    options.append(("blank", "从空白开始自己写", ""))
    return options


def _after(s: Session, key: str, text: str) -> None:
    """Warnings right after a prose answer: placeholders left, or copied from last year (T-2)."""
    if PLACEHOLDER in text:
        s.console.print("[yellow]提醒：文中还有【…】需要填写实际情况，可以在核对页返回修改。[/yellow]")
    previous = s.state.previous
    if not previous or not text:
        return
    report = s.report()
    last = Report(year=int(previous["year"]), format=report.format, prose=dict(previous.get("prose") or {}))
    for finding in t2_copied_prose(report, last):
        if finding.path == f"prose.{key}":
            s.console.print(f"[yellow]{_escape(finding.text())}[/yellow]")


def _fill(template: str, report: Report) -> str:
    return template.format(who=report.agency.self_reference or "我单位", year=report.year)


def _preview(text: str, width: int = 36) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width] + "…"
