"""The official report formats (2019 and 2021) as data.

This module is the only place where an official label is written down. The checker, the renderers,
the Excel form, the wizard and the importer all read these definitions.

Numbers live at paths ``table.row.column``: ``active.normative_docs.issued`` (section 二),
``requests.new.natural`` (section 三), ``appeals.review.upheld`` (section 四).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

COUNT = "count"  # integer >= 0
SIGNED = "signed"  # any integer (2019 本年增/减)
AMOUNT = "amount"  # decimal >= 0


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT
    derived: bool = False  # a total computed from the other columns
    short: str = ""  # the verb or noun generated prose uses for it (「制发」「现行有效」)
    activity: bool = False  # counts this year's activity (制发, 处理决定 …), not a stock or an amount
    unit: str = ""  # an amount's unit (元, 万元): a typed amount in another unit is converted to it


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    group: str = ""  # merged group cell to the left, e.g. 「（三）不予公开」
    derived: bool = False  # a total computed from the other rows


@dataclass(frozen=True)
class Block:
    """One captioned block of the section 二 grid (第二十条第（×）项)."""

    key: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    key: str
    section: str  # heading of the section that holds the table
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def input_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.derived)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.derived)


@dataclass(frozen=True)
class Relation:
    """One balance the tables must keep: the sum of ``left`` = the sum of ``right`` (cells by path).

    The one definition behind the checker's arithmetic (``checks/balances.py``) and the Excel form's 校验
    sheet (``inputs/excel/write.py``), so the two can never disagree on which cells a rule adds up."""

    rule: str  # R3-1, R3-2, R3-3, R4-1
    item: str  # which column or row: 列「自然人」, 行「（一）予以公开」, 「行政复议」
    left: tuple[str, ...]
    right: tuple[str, ...]
    left_name: str  # what the left side is, in the table's words: 「一+二」, 「（七）总计」, 「总计」
    right_name: str


@dataclass(frozen=True)
class Format:
    key: str  # "2019" | "2021"
    name: str
    issued_by: str
    headings: tuple[str, ...]
    active_blocks: tuple[Block, ...]
    requests: Table
    appeals: Table
    overview_parts: tuple[tuple[str, str], ...] = field(default=())
    first_year: int = 0  # report years this format serves: first_year … last_year (None: still in force)
    last_year: int | None = None
    stock_column: str = ""  # item1 column holding the documents in force at year end (carried to next year)
    stock_flow: tuple[str, str] | None = None  # item1 (added, removed) columns: stock = last year's + added − removed
    fee_refusal_row: str | None = None  # section 三 row of applications dropped for an unpaid fee (R3-5)
    required_overview: tuple[str, ...] = ()  # topics of 一 this format asks every report to cover (G-3)

    @cached_property
    def active(self) -> Table:
        """Section 二 as one table: every block's rows; columns are per block (see ``active_columns``)."""
        rows = tuple(r for b in self.active_blocks for r in b.rows)
        columns = tuple({c.key: c for b in self.active_blocks for c in b.columns}.values())
        return Table("active", self.headings[1], rows, columns)

    def active_block_of(self, row_key: str) -> Block:
        return next(b for b in self.active_blocks if any(r.key == row_key for r in b.rows))

    def tables(self) -> tuple[Table, ...]:
        return (self.active, self.requests, self.appeals)

    def table(self, key: str) -> Table:
        return self._tables_by_key[key]

    @cached_property
    def _tables_by_key(self) -> dict[str, Table]:
        return {t.key: t for t in self.tables()}

    @cached_property
    def input_paths(self) -> tuple[str, ...]:
        """Every number a user types, in reading order."""
        paths = [f"active.{r.key}.{c.key}" for b in self.active_blocks for r in b.rows for c in b.columns]
        for t in (self.requests, self.appeals):
            paths += [f"{t.key}.{r.key}.{c.key}" for r in t.input_rows for c in t.input_columns]
        return tuple(paths)

    @cached_property
    def derived_parts(self) -> dict[str, tuple[str, ...]]:
        """Every derived cell (the 总计 column and （七）总计 row of 三, each 总计 of 四) -> the cells it adds up.

        A part may itself be derived: （七）总计's 总计 is the sum of its row.
        """
        parts: dict[str, tuple[str, ...]] = {}
        requests, appeals = self.requests, self.appeals
        columns = [c.key for c in requests.input_columns]
        for col in columns:
            parts[f"requests.total_processed.{col}"] = tuple(f"requests.{r.key}.{col}" for r in outcome_rows(requests))
        for row in requests.rows:
            parts[f"requests.{row.key}.total"] = tuple(f"requests.{row.key}.{c}" for c in columns)
        for row in appeals.rows:
            parts[f"appeals.{row.key}.total"] = tuple(f"appeals.{row.key}.{c.key}" for c in appeals.input_columns)
        return parts

    @cached_property
    def relations(self) -> tuple[Relation, ...]:
        """R3-1 and R3-2 per column of 三, R3-3 per row of 三, R4-1 per row of 四 (see ``Relation``)."""
        req, app = self.requests, self.appeals
        outcomes = [r.key for r in outcome_rows(req)]
        out = []
        for c in req.columns:
            at = {row: f"requests.{row}.{c.key}" for row in ("new", "carried_over", "total_processed", "carry_forward")}
            item = f"列「{c.label}」"
            out.append(
                Relation(
                    "R3-1",
                    item,
                    (at["new"], at["carried_over"]),
                    (at["total_processed"], at["carry_forward"]),
                    "一+二",
                    "（七）总计+四",
                )
            )
            parts = tuple(f"requests.{o}.{c.key}" for o in outcomes)
            out.append(Relation("R3-2", item, (at["total_processed"],), parts, "（七）总计", "（一）至（六）"))
        for row in req.rows:
            label = row.label if not row.group or row.group == row.label else f"{row.group} {row.label}"
            parts = tuple(f"requests.{row.key}.{c.key}" for c in req.input_columns)
            out.append(Relation("R3-3", f"行「{label}」", (f"requests.{row.key}.total",), parts, "总计", ""))
        for row in app.rows:
            parts = tuple(f"appeals.{row.key}.{c.key}" for c in app.input_columns)
            out.append(Relation("R4-1", f"「{row.label}」", (f"appeals.{row.key}.total",), parts, "总计", ""))
        return tuple(out)

    def relations_of(self, rule: str) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.rule == rule)

    def inputs_of(self, path: str) -> tuple[str, ...]:
        """The typed cells a cell stands for: itself, or every input a derived total adds up."""
        if path not in self.derived_parts:
            return (path,)
        return tuple(p for part in self.derived_parts[path] for p in self.inputs_of(part))

    def is_derived(self, path: str) -> bool:
        return path in self.derived_parts

    def derive(self, numbers: Mapping[str, Any], unread: Mapping[str, Any] = MappingProxyType({})) -> dict:
        """The value of every derived cell; None where a part was not read. Absent inputs count as 0."""
        totals: dict[str, Any] = {}

        def value(path: str):
            if path in self.derived_parts:
                if path not in totals:
                    parts = [value(p) for p in self.derived_parts[path]]
                    totals[path] = None if None in parts else sum(parts)
                return totals[path]
            return None if path in unread else numbers.get(path, 0)

        for path in self.derived_parts:
            value(path)
        return totals

    def kind_of(self, path: str) -> str:
        if self.is_derived(path):
            return COUNT
        table, row, col = path.split(".")
        if table == "active":
            block = self.active_block_of(row)
            return next(c.kind for c in block.columns if c.key == col)
        return self.table(table).column(col).kind

    def describe(self, path: str) -> str:
        """Human location of a number: 「三、… · 行「…」 · 列「…」」."""
        table_key, row_key, col_key = path.split(".")
        table = self.table(table_key)
        row = table.row(row_key)
        if table_key == "active":
            block = self.active_block_of(row_key)
            col = next(c for c in block.columns if c.key == col_key)
            return f"{table.section} · {block.caption} · 「{row.label}」 · 「{col.label}」"
        col = table.column(col_key)
        if table_key == "appeals":
            return f"{table.section} · 「{row.label}」 · 「{col.label}」"
        row_label = f"{row.group} {row.label}" if row.group and row.group != row.label else row.label
        return f"{table.section} · 行「{row_label}」 · 列「{col.label}」"


HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# Sub-parts of section 一 that a people's government must cover (art. 50).
OVERVIEW_PARTS = (
    ("active", "（一）主动公开"),
    ("requests", "（二）依申请公开"),
    ("management", "（三）政府信息管理"),
    ("platform", "（四）政府信息公开平台建设"),
    ("supervision", "（五）监督保障"),
)

CONTENT = "信息内容"  # first header cell of every section 二 block

# --- Section 三 (both formats; （六） differs) -------------------------------------------------

REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = "申请人情况"
ORGANISATIONS = "法人或其他组织"
OUTCOMES = "三、本年度办理结果"

REQUEST_COLUMNS = (
    Column("natural", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("public_interest", "社会公益组织"),
    Column("legal", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计", derived=True),
)
ORGANISATION_COLUMNS = ("commercial", "research", "public_interest", "legal", "other_org")

_GRANTED = Row("granted", "（一）予以公开", "（一）予以公开")
_PARTIAL = Row(
    "partial",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
)


def _numbered(key: str, group: str, *labels: str) -> tuple[Row, ...]:
    """Rows 1.…n. of one merged group of section 三, keyed ``key_1`` … ``key_n``."""
    return tuple(Row(f"{key}_{i}", label, group) for i, label in enumerate(labels, start=1))


_DENIED = _numbered(
    "denied",
    "（三）不予公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
)
_UNABLE = _numbered(
    "unable",
    "（四）无法提供",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
)
_NOT_PROCESSED = _numbered(
    "not_processed",
    "（五）不予处理",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
_OTHER_2021 = _numbered(
    "other",
    "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)
_OTHER_2019 = (Row("other", "（六）其他处理", "（六）其他处理"),)
_TOTAL_PROCESSED = Row("total_processed", "（七）总计", "（七）总计", derived=True)
_NEW = Row("new", "一、本年新收政府信息公开申请数量")
_CARRIED = Row("carried_over", "二、上年结转政府信息公开申请数量")
_CARRY_FORWARD = Row("carry_forward", "四、结转下年度继续办理")


def _requests(other_rows: tuple[Row, ...]) -> Table:
    outcome_rows = (_GRANTED, _PARTIAL, *_DENIED, *_UNABLE, *_NOT_PROCESSED, *other_rows, _TOTAL_PROCESSED)
    return Table("requests", HEADINGS[2], (_NEW, _CARRIED, *outcome_rows, _CARRY_FORWARD), REQUEST_COLUMNS)


def outcome_rows(table: Table) -> tuple[Row, ...]:
    """Rows （一）…（六） of section 三 (the parts of （七）总计)."""
    return tuple(r for r in table.rows if r.group and not r.derived)


# --- Section 四 (both formats) ---------------------------------------------------------------

REVIEW = "行政复议"
LITIGATION = "行政诉讼"
APPEAL_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计", derived=True),
)
APPEALS = Table(
    "appeals",
    HEADINGS[3],
    (
        Row("review", REVIEW, REVIEW),
        Row("litigation_direct", "未经复议直接起诉", LITIGATION),
        Row("litigation_after_review", "复议后起诉", LITIGATION),
    ),
    APPEAL_COLUMNS,
)

# --- Section 二 -------------------------------------------------------------------------------


def _decisions(label: str) -> Column:
    return Column("decisions", label, activity=True)


FORMAT_2021 = Format(
    key="2021",
    name="2021年版格式",
    issued_by="国办公开办函〔2021〕30号",
    headings=HEADINGS,
    overview_parts=OVERVIEW_PARTS,
    required_overview=("management", "platform", "supervision"),  # 2019 format asked only for the tables' topics
    active_blocks=(
        Block(
            "item1",
            "第二十条第（一）项",
            (
                Column("issued", "本年制发件数", short="制发", activity=True),
                Column("repealed", "本年废止件数", short="废止", activity=True),
                Column("in_force", "现行有效件数", short="现行有效"),
            ),
            (Row("rules", "规章"), Row("normative_docs", "行政规范性文件")),
        ),
        Block("item5", "第二十条第（五）项", (_decisions("本年处理决定数量"),), (Row("licensing", "行政许可"),)),
        Block(
            "item6",
            "第二十条第（六）项",
            (_decisions("本年处理决定数量"),),
            (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
        ),
        Block(
            "item8",
            "第二十条第（八）项",
            (Column("amount", "本年收费金额（单位：万元）", AMOUNT, unit="万元"),),
            (Row("fees", "行政事业性收费"),),
        ),
    ),
    requests=_requests(_OTHER_2021),
    appeals=APPEALS,
    first_year=2021,
    stock_column="in_force",
    stock_flow=("issued", "repealed"),
    fee_refusal_row="other_2",
)

_PREV = Column("prev_items", "上一年项目数量")
_CHANGE = Column("change", "本年增/减", SIGNED, activity=True)

FORMAT_2019 = Format(
    key="2019",
    name="2019年版格式（试行）",
    issued_by="国办公开办函〔2019〕60号",
    headings=HEADINGS,
    overview_parts=OVERVIEW_PARTS,
    active_blocks=(
        Block(
            "item1",
            "第二十条第（一）项",
            (
                Column("made", "本年新制作数量", short="新制作", activity=True),
                Column("published", "本年新公开数量", short="新公开", activity=True),
                Column("total_public", "对外公开总数量", short="对外公开总数"),
            ),
            (Row("rules", "规章"), Row("normative_docs", "规范性文件")),
        ),
        Block(
            "item5",
            "第二十条第（五）项",
            (_PREV, _CHANGE, _decisions("处理决定数量")),
            (Row("licensing", "行政许可"), Row("other_services", "其他对外管理服务事项")),
        ),
        Block(
            "item6",
            "第二十条第（六）项",
            (_PREV, _CHANGE, _decisions("处理决定数量")),
            (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
        ),
        Block("item8", "第二十条第（八）项", (_PREV, _CHANGE), (Row("fees", "行政事业性收费"),)),
        Block(
            "item9",
            "第二十条第（九）项",
            (
                Column("items", "采购项目数量"),
                Column("amount", "采购总金额", AMOUNT, unit="元"),  # no printed unit; reports write 元
            ),
            (Row("procurement", "政府集中采购"),),
        ),
    ),
    requests=_requests(_OTHER_2019),
    appeals=APPEALS,
    first_year=2019,
    last_year=2020,
)

FORMATS = {"2019": FORMAT_2019, "2021": FORMAT_2021}
ACTIVE_GRID_COLUMNS = 4  # section 二 blocks share one 4-column grid
TOWNSHIP_LEVELS = ("乡", "镇", "街道")


STOCK_ROWS = ("rules", "normative_docs")  # item1 rows whose documents in force are counted year to year


DECISIONS_NOTE = (  # shown beside section 二 in the form and the wizard
    "行政许可、行政处罚、行政强制的「处理决定数量」是本年作出的全部决定数，包括依法不公开的决定，不只是已公开的。"
)
FEE_UNIT = "元"  # the 信息处理费 (fees.amount) is stated in 元


def amount_unit(path: str) -> str:
    """The unit of the amount at ``path`` (「元」, 「万元」); "" when the path holds no amount."""
    if path == "fees.amount":
        return FEE_UNIT
    parts = path.split(".")
    if len(parts) != 3 or parts[0] != "active":
        return ""
    for fmt in FORMATS.values():
        for block in fmt.active_blocks:
            column = next((c for c in block.columns if c.key == parts[2]), None)
            if column and column.unit and any(r.key == parts[1] for r in block.rows):
                return column.unit
    return ""


def format_for_year(year: int) -> Format:
    """The format the year calls for: report years up to 2020 use 2019's, later years 2021's."""
    return FORMAT_2019 if year <= (FORMAT_2019.last_year or 0) else FORMAT_2021


def format_years(fmt: Format) -> str:
    """Which report years a format serves, in words: 「2019、2020年度」, 「2021年度及以后」."""
    if fmt.last_year is None:
        return f"{fmt.first_year}年度及以后"
    return "、".join(str(y) for y in range(fmt.first_year, fmt.last_year + 1)) + "年度"
