"""A 考评 scorecard: a county's scoring sheet for its units' annual reports, and each unit's score on it.

The sheet is YAML (the packaged default is ``scorecard.yaml``; where each criterion and weight comes from
is in docs/scorecard.md). Each criterion names the rule ids whose findings cost points — as patterns, so a
new rule is added to the sheet without code — and how many points each finding costs. ``score_unit``
turns one unit's findings into deductions; ``score_rows`` gives the rows the batch workbook and the review
page both show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

import yaml

from ..errors import InputError
from ..findings import ERROR, WARNING, Finding
from ..limits import read_limited
from ..rules import EITHER_TEXT, ERROR_TEXT, RULES, WARNING_TEXT, rule_name

DEFAULT_NAME = "scorecard.yaml"
MAX_SCORECARD_BYTES = 1024 * 1024
CARD_KEYS = {"title": "标题", "source": "出处", "criteria": "评分项"}
CRITERION_KEYS = {
    "key": "代号",
    "name": "名称",
    "points": "分值",
    "per_finding": "每条扣分",
    "errors": "看哪些规则的错误",
    "warnings": "看哪些规则的提醒",
    "on_time": "未按时公开是否扣满",
}
NOT_FILED = "未提交"
YES, NO = ("true", "yes", "on", "是"), ("false", "no", "off", "否")


@dataclass(frozen=True)
class Criterion:
    """One line of the scoring sheet."""

    key: str  # short English id, e.g. "consistent"
    name: str  # Chinese name as the county prints it, e.g. 「数据勾稽」
    points: float  # the most this criterion can cost
    errors: tuple[str, ...] = ()  # rule-id patterns (fnmatch, e.g. "R3-*") whose errors cost points
    warnings: tuple[str, ...] = ()  # rule-id patterns whose reminders cost points
    per_finding: float | None = None  # points per finding, up to ``points`` (None: all points at the first)
    on_time: bool = False  # all points lost when the unit did not publish on time

    def counts(self, finding: Finding) -> bool:
        """Whether ``finding`` costs points under this criterion."""
        patterns = self.errors if finding.severity == ERROR else self.warnings if finding.severity == WARNING else ()
        return any(fnmatchcase(finding.rule, pattern) for pattern in patterns)

    @property
    def looks_at(self) -> str:
        """What the criterion looks at, in Chinese: 「错误 R3-*、R4-1；提醒 R2-1；是否按时公开」."""
        parts = [f"{word} {'、'.join(ids)}" for word, ids in (("错误", self.errors), ("提醒", self.warnings)) if ids]
        return "；".join([*parts, *(["是否按时公开"] if self.on_time else [])])


@dataclass(frozen=True)
class Scorecard:
    title: str
    criteria: tuple[Criterion, ...]
    source: str  # where the sheet comes from (the packaged default: docs/scorecard.md; else the file)

    @property
    def full(self) -> float:
        return sum(c.points for c in self.criteria)


@dataclass(frozen=True)
class Deduction:
    criterion: str  # the criterion's Chinese name (「未提交」 for a unit that did not file)
    points: float
    reason: str  # Chinese, names the rules and how many findings: 「R3-1 列平衡 2 条（错误）」


@dataclass(frozen=True)
class UnitScore:
    total: float
    full: float
    deductions: tuple[Deduction, ...]
    notes: tuple[str, ...] = ()  # what could not be checked (never scored as passed or failed silently)


class ScoreRow(NamedTuple):
    """One unit's line in the workbook and on the review page (see ``SCORE_HEADER``)."""

    unit: str
    score: str
    full: str
    deductions: str  # 「数据勾稽 −5：…；按时公开 −20：…」, or 「无扣分」
    notes: str


SCORE_HEADER = ("单位", "得分", "满分", "扣分明细", "未能核对")


def load_scorecard(path: Path | None = None) -> Scorecard:
    """The scoring sheet at ``path`` (None: the packaged default). InputError in Chinese naming the line and
    the key when the YAML is broken or a criterion is wrong."""
    if path is None:
        text = files(__package__).joinpath(DEFAULT_NAME).read_text(encoding="utf-8")
        return _card(text, "默认考评表", "docs/scorecard.md")
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}：找不到考评表文件，请检查文件名和所在的文件夹。")
    raw = read_limited(path, "考评表", MAX_SCORECARD_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name}：不是 UTF-8 编码的文本，请用记事本「另存为」UTF-8 后再试。") from None
    return _card(text, path.name, str(path))


def score_unit(card: Scorecard, *, findings: Sequence[Finding], on_time: bool | None, filed: bool) -> UnitScore:
    """A unit's score: the full marks less each criterion's deduction (never below 0).

    ``on_time`` None means it is not known (no publication date or filing record): the on-time criterion
    then costs nothing and a note says it was not checked. A unit that did not file scores 0.
    """
    if not filed:
        return UnitScore(0, card.full, (Deduction(NOT_FILED, card.full, "未提交年度报告，按 0 分计"),))
    deductions, notes = [], []
    for criterion in card.criteria:
        deduction = _deduction(criterion, [f for f in findings if criterion.counts(f)], on_time)
        if deduction:
            deductions.append(deduction)
        elif criterion.on_time and on_time is None:
            notes.append(f"{criterion.name}：不知道发布日期或报送时间，未核对，未扣分")
    total = max(0.0, card.full - sum(d.points for d in deductions))
    return UnitScore(total, card.full, tuple(deductions), tuple(notes))


def score_rows(scores: Iterable[tuple[str, UnitScore]]) -> list[ScoreRow]:
    """Presentation-neutral rows (unit, score, full, deductions joined, notes joined), in the given order."""
    rows = []
    for unit, score in scores:
        deductions = "；".join(f"{d.criterion} −{points_text(d.points)}：{d.reason}" for d in score.deductions)
        rows.append(
            ScoreRow(
                unit, points_text(score.total), points_text(score.full), deductions or "无扣分", "；".join(score.notes)
            )
        )
    return rows


def points_text(points: float) -> str:
    """「15」 for whole points, 「7.5」「99.75」 otherwise (two decimals at most, trailing zeros dropped)."""
    return f"{points:.2f}".rstrip("0").rstrip(".")


def _deduction(criterion: Criterion, counted: list[Finding], on_time: bool | None) -> Deduction | None:
    late = criterion.on_time and on_time is False
    if not counted and not late:
        return None
    points = criterion.points if late or criterion.per_finding is None else criterion.per_finding * len(counted)
    reasons = (["未按时公开"] if late else []) + _counted(counted)
    return Deduction(criterion.name, min(points, criterion.points), "，".join(reasons))


def _counted(findings: list[Finding]) -> list[str]:
    """「R3-1 列平衡 2 条错误」 per rule and severity, in order of first appearance."""
    counts: dict[tuple[str, str], int] = {}
    for finding in findings:
        counts[(finding.rule, finding.severity)] = counts.get((finding.rule, finding.severity), 0) + 1
    return [
        f"{' '.join(filter(None, (rule, rule_name(rule))))} {count} 条{'错误' if severity == ERROR else '提醒'}"
        for (rule, severity), count in counts.items()
    ]


# --- reading the YAML, every problem named with its line ------------------------------------------------


class _Bad(Exception):
    def __init__(self, node: yaml.Node | None, message: str):
        super().__init__(message)
        self.line = node.start_mark.line + 1 if node is not None else None
        self.message = message


def _card(text: str, name: str, source: str) -> Scorecard:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"第 {mark.line + 1} 行，" if mark else ""
        raise InputError(f"{name}：{line}YAML 格式有误（{exc.problem or exc}），请检查这一行的缩进和冒号。") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{name}：YAML 格式有误（{exc}）。") from None
    try:
        return _read_card(root, source)
    except _Bad as bad:
        line = f"第 {bad.line} 行，" if bad.line else ""
        raise InputError(f"{name}：{line}{bad.message}") from None


def _read_card(root: yaml.Node | None, source: str) -> Scorecard:
    fields = _mapping(root, CARD_KEYS, "考评表")
    for key in ("title", "criteria"):
        if key not in fields:
            raise _Bad(root, f"考评表缺少「{key}」（{CARD_KEYS[key]}）。")
    criteria_node = fields["criteria"]
    if not isinstance(criteria_node, yaml.SequenceNode) or not criteria_node.value:
        raise _Bad(criteria_node, "「criteria」应是评分项的列表（每项以「- key: …」开头），且至少有一项。")
    criteria = tuple(_criterion(node) for node in criteria_node.value)
    for i, criterion in enumerate(criteria):
        if criterion.key in (c.key for c in criteria[:i]):
            raise _Bad(criteria_node.value[i], f"评分项代号「{criterion.key}」重复了，每项的 key 要不同。")
    card_source = _text(fields["source"], "source") if "source" in fields else source
    return Scorecard(_text(fields["title"], "title"), criteria, card_source)


def _criterion(node: yaml.Node) -> Criterion:
    fields = _mapping(node, CRITERION_KEYS, "评分项")
    for key in ("key", "name", "points"):
        if key not in fields:
            raise _Bad(node, f"评分项缺少「{key}」（{CRITERION_KEYS[key]}）。")
    criterion = Criterion(
        key=_text(fields["key"], "key"),
        name=_text(fields["name"], "name"),
        points=_points(fields["points"], "points"),
        errors=_patterns(fields.get("errors"), "errors"),
        warnings=_patterns(fields.get("warnings"), "warnings"),
        per_finding=_points(fields["per_finding"], "per_finding") if "per_finding" in fields else None,
        on_time=_flag(fields.get("on_time"), "on_time"),
    )
    if not (criterion.errors or criterion.warnings or criterion.on_time):
        raise _Bad(node, f"评分项「{criterion.name}」没有写看哪些规则（errors / warnings）或 on_time: true。")
    return criterion


def _mapping(node: yaml.Node | None, known: dict[str, str], what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise _Bad(node, f"{what}应写成「字段: 值」的形式。")
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        if key not in known:
            allowed = "、".join(f"{k}（{v}）" for k, v in known.items())
            raise _Bad(key_node, f"不认识的字段「{key}」。{what}可用的字段：{allowed}。")
        if key in out:
            raise _Bad(key_node, f"字段「{key}」写了两次。")
        out[key] = value_node
    return out


def _text(node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise _Bad(node, f"「{key}」应是一段文字，不能为空。")
    return str(node.value).strip()


def _points(node: yaml.Node, key: str) -> float:
    try:
        value = float(node.value) if isinstance(node, yaml.ScalarNode) else -1.0
    except ValueError:
        value = -1.0
    if not 0 < value <= 1000:
        shown = node.value if isinstance(node, yaml.ScalarNode) else "（列表或结构）"
        raise _Bad(node, f"「{key}」应是大于 0 的分数（如 5 或 2.5），现在是「{shown}」。")
    return value


def _flag(node: yaml.Node | None, key: str) -> bool:
    if node is None:
        return False
    value = str(node.value).strip().lower() if isinstance(node, yaml.ScalarNode) else ""
    if value not in YES + NO:
        raise _Bad(node, f"「{key}」只能写 true（是）或 false（否）。")
    return value in YES


def _patterns(node: yaml.Node | None, key: str) -> tuple[str, ...]:
    """Rule-id patterns; each must match a rule of the registry that can have this severity (a typo, or an
    error-only rule under ``warnings``, would otherwise never cost a point)."""
    if node is None:
        return ()
    severity = ERROR_TEXT if key == "errors" else WARNING_TEXT
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    patterns = []
    for item in items:
        pattern = str(item.value).strip() if isinstance(item, yaml.ScalarNode) else ""
        matched = [rule for rule in RULES.values() if fnmatchcase(rule.id, pattern)]
        if not matched:
            raise _Bad(
                item,
                f"「{key}」中的「{pattern}」不是已有的规则编号（如 R3-1、R3-*、T-2）；nianbao rules 列出全部规则。",
            )
        if not any(rule.severity in (severity, EITHER_TEXT) for rule in matched):
            other = "warnings" if key == "errors" else "errors"
            raise _Bad(
                item,
                f"「{pattern}」只会是{matched[0].severity}，不会是{severity}：请把它写在「{other}」中。",
            )
        patterns.append(pattern)
    return tuple(patterns)
