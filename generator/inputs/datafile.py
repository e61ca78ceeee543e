"""The report data file (YAML or JSON): schema, reading into a ``Report`` and writing one back.

The layout is documented in docs/data-file.md. The JSON Schema is generated from the format
definitions (``nianbao schema`` prints it), so editors can complete and check a data file.
"""

from __future__ import annotations

import json
import reprlib
from datetime import date
from pathlib import Path

import yaml

from ..cells import read_number, read_text, shown
from ..errors import InputError
from ..findings import ERROR, WARNING, Finding
from ..formats import AMOUNT, COUNT, FORMATS, HEADINGS, Format, format_for_year
from ..limits import clip
from ..numbers import parse_date, plain, serial_date_hint
from ..outputs import write_atomic
from ..report import AGENCY_FIELDS, PROSE_FIELDS, Agency, Fees, Report, ReportBuilder
from .dataparse import DataLoader as _StringDateLoader  # noqa: F401 - the loader tests read the examples with
from .dataparse import load_data
from .schema_check import schema_errors

NUMBER = {"type": ["integer", "number", "string", "null"]}
TEXT = {"type": ["string", "integer", "number", "null"]}  # phone numbers and postcodes are often typed as numbers


def json_schema(fmt: Format | None = None) -> dict:
    """JSON Schema of the data file; with ``fmt``, numbers are limited to that format's rows."""
    formats = [fmt] if fmt else list(FORMATS.values())

    def obj(properties: dict, **extra) -> dict:
        return {"type": "object", "properties": properties, "additionalProperties": False, **extra}

    def table(key: str) -> dict:
        rows: dict[str, dict] = {}
        for f in formats:
            t = f.table(key)
            for row in t.rows:
                cols = f.active_block_of(row.key).columns if key == "active" else t.columns
                rows.setdefault(row.key, obj({}, title=row.label))["properties"].update(
                    {c.key: {**NUMBER, "title": c.label} for c in cols}
                )
        return obj(rows, title=formats[0].table(key).section)

    overview = {k.split(".")[1]: {**TEXT, "title": v} for k, v in PROSE_FIELDS.items() if k.startswith("overview.")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "政府信息公开工作年度报告数据文件",
        **obj(
            {
                "format": {
                    "type": ["string", "integer"],
                    "enum": [*FORMATS, *map(int, FORMATS)],
                    "title": "表格格式版本（默认由年度决定）",
                },
                "year": {"type": "integer", "minimum": 2008, "maximum": 2100, "title": "报告年度"},
                "publication_date": {**TEXT, "title": "发布日期 YYYY-MM-DD"},
                "agency": obj(
                    {k: {**TEXT, "title": v} for k, v in AGENCY_FIELDS.items()}, required=["name"], title="机关信息"
                ),
                "prose": obj(
                    {
                        "overview": obj(overview, title=HEADINGS[0]),
                        "problems": {**TEXT, "title": PROSE_FIELDS["problems"]},
                        "other": {**TEXT, "title": PROSE_FIELDS["other"]},
                    },
                    title="正文",
                ),
                "fees": obj(
                    {
                        "collected": {"type": ["boolean", "null"], "title": "是否收取信息处理费"},
                        "amount": {**NUMBER, "title": "信息处理费金额（元）"},
                        "cases": {**NUMBER, "title": "收费件数"},
                    },
                    title="信息处理费",
                ),
                "active": table("active"),
                "requests": table("requests"),
                "appeals": table("appeals"),
            },
            required=["year", "agency"],
        ),
    }


def read_data_file(path: Path) -> Report:
    """Read a .yaml/.yml/.json data file. Raises InputError (in Chinese, located) when it cannot be read."""
    data = load_data(path)
    if not isinstance(data, dict):
        raise InputError(f"{path.name}：文件内容为空或不是“字段: 值”的结构，请参照 docs/data-file.md 填写。")
    return report_from_dict(data, source=path.name)


def report_from_dict(data: dict, source: str = "数据文件") -> Report:
    """Validate a parsed data file and build the Report; number problems become findings."""
    _validate(data, json_schema(), source)
    year = data["year"]
    declared = str(data["format"]) if data.get("format") is not None else None
    fmt = FORMATS[declared] if declared else format_for_year(year)
    builder = ReportBuilder(year=year, format=fmt, declared_format=declared)
    builder.agency = Agency(**{k: _text(builder, v, f"agency.{k}") for k, v in data["agency"].items()})
    builder.publication_date = _parse_date(data.get("publication_date"), source)
    prose = data.get("prose") or {}
    for key, value in (prose.get("overview") or {}).items():
        builder.prose[f"overview.{key}"] = _text(builder, value, f"prose.overview.{key}", strip=False)
    for key in ("problems", "other"):
        builder.prose[key] = _text(builder, prose.get(key), f"prose.{key}", strip=False)
    builder.fees = _read_fees(builder, data.get("fees") or {})
    _read_numbers(builder, data)
    return builder.build()


def _validate(data: dict, schema: dict, source: str) -> None:
    errors = sorted(schema_errors(data, schema), key=lambda e: list(map(str, e.path)))
    if errors:
        raise InputError("\n".join(f"{source}：{_explain(e)}" for e in errors[:20]))


def _preview(value) -> str:
    """A value in a message: short, whatever its size; never 「None」."""
    if value is None:
        return "空"
    if isinstance(value, str) and "\u3000" in value:
        return clip(value, 40).replace("\u3000", "□") + "（□ 是全角空格，请改成半角空格或删除）"
    return clip(reprlib.repr(value) if isinstance(value, (dict, list)) else shown(value), 40)


def _explain(error) -> str:
    where = clip(".".join(map(str, error.path)), 80) or "文件顶层"
    if error.validator == "additionalProperties":
        extra = sorted(_preview(k) for k in set(error.instance) - set(error.schema["properties"]))
        allowed = "、".join(error.schema["properties"])
        listed = "、".join(extra[:10]) + (f" 等 {len(extra)} 个" if len(extra) > 10 else "")
        return f"字段「{where}」下有不认识的字段 {listed}。可用的字段：{allowed}。"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        title = error.schema.get("properties", {}).get(missing, {}).get("title", "")
        named = f"（{title.split('（')[0].split(' ')[0]}）" if title else ""
        return f"缺少必填字段「{where + '.' if error.path else ''}{missing}」{named}：请在文件中写上这一项。"
    if error.validator == "type":
        expected = {
            "integer": "整数",
            "number": "数字",
            "string": "文字",
            "object": "“字段: 值”结构",
            "boolean": "是/否（true/false）",
            "null": "空",
        }
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if error.instance is None:
            return (
                f"字段「{where}」是空的，应为{'或'.join(expected[t] for t in types)}"
                "（冒号后面没有写内容，或下面几行的缩进与它不一致）。"
            )
        return (
            f"字段「{where}」的值「{_preview(error.instance)}」类型不对，应为{'或'.join(expected[t] for t in types)}。"
        )
    if error.validator == "enum":
        return f"字段「{where}」的值「{_preview(error.instance)}」不可用，可选：{'、'.join(map(str, error.validator_value))}。"
    if error.validator in ("minimum", "maximum"):
        return f"字段「{where}」的值 {_preview(error.instance)} 超出范围。"
    return f"字段「{where}」的值「{_preview(error.instance)}」不符合要求，请对照 docs/data-file.md 检查。"


def _text(builder: ReportBuilder, value, field: str, strip: bool = True) -> str:
    text, finding = read_text(value, field, field, strip=strip)
    if finding:
        builder.read_findings.append(finding)
    return text


def _parse_date(value, source: str) -> date | None:
    if not value:
        return None
    parsed = parse_date(str(value))
    if parsed is None:
        raise InputError(
            f"{source}：发布日期「{_preview(value)}」不是有效日期，请写成 2026-01-20 的形式。{serial_date_hint(value)}"
        )
    return parsed


def _read_fees(builder: ReportBuilder, data: dict) -> Fees:
    values: dict = {"collected": data.get("collected")}
    for key, kind in (("amount", AMOUNT), ("cases", COUNT)):
        if data.get(key) is not None:
            cell = read_number(data[key], kind, f"fees.{key}", f"fees.{key}")
            if cell.finding:
                builder.read_findings.append(cell.finding)
            values[key] = cell.value
    return Fees(**values)


def _read_numbers(builder: ReportBuilder, data: dict) -> None:
    fmt = builder.format
    for table in fmt.tables():
        given = data.get(table.key) or {}
        for row_key, cells in given.items():
            for col_key, raw in (cells or {}).items():
                path = f"{table.key}.{row_key}.{col_key}"
                if path not in fmt.input_paths and not fmt.is_derived(path):
                    builder.read_findings.append(_wrong_format(fmt, path, raw))
                    continue
                _store(builder, path, raw)


def _store(builder: ReportBuilder, path: str, raw) -> None:
    fmt = builder.format
    if raw is None:  # null: not read (the importer writes null for a cell it never found), never a silent 0
        builder.unread[path] = None
        builder.read_findings.append(
            Finding(
                "R0-2",
                ERROR,
                fmt.describe(path),
                "为空（null，未填写或未读取）：不按 0 计算，用到这一格的勾稽关系不校验。请填写数字，没有发生的填 0。",
                path=path,
            )
        )
        return
    cell = read_number(raw, fmt.kind_of(path), fmt.describe(path), path)
    if cell.finding:
        builder.read_findings.append(cell.finding)
    if fmt.is_derived(path):
        if not cell.blank:
            builder.typed_totals[path] = cell.value
        return
    if cell.value is None:
        builder.unread[path] = raw
        return
    builder.numbers[path] = cell.value
    if cell.blank:
        builder.read_findings.append(
            Finding("R0-2", WARNING, fmt.describe(path), "空白，已按 0 处理；没有发生请填 0。", path=path)
        )


def _wrong_format(fmt: Format, path: str, raw) -> Finding:
    other = next(f for k, f in FORMATS.items() if k != fmt.key)
    where = other.describe(path) if path in other.input_paths else path
    return Finding(
        "G-2",
        ERROR,
        where,
        f"这一项属于{other.name}（{other.issued_by}），本报告应使用{fmt.name}（{fmt.issued_by}），"
        "请按本年度格式重新填写第二部分表格。",
        path=path,
        operands={"输入": raw},
    )


# --- writing ---------------------------------------------------------------------------------


def report_to_dict(report: Report) -> dict:
    """The data file for a report: its inputs, and the totals it stated (an imported report's printed ones)."""
    fmt = report.format
    data: dict = {"format": fmt.key, "year": report.year}
    if report.publication_date:
        data["publication_date"] = report.publication_date.isoformat()
    data["agency"] = {k: v for k, v in vars(report.agency).items() if v}
    overview = {k.split(".")[1]: v for k, v in report.prose.items() if k.startswith("overview.") and v}
    data["prose"] = {"overview": overview, **{k: report.prose[k] for k in ("problems", "other") if report.prose.get(k)}}
    fees = {k: plain(v) for k, v in vars(report.fees).items() if v is not None}
    if fees:
        data["fees"] = fees
    for table in fmt.tables():
        section: dict = {}
        for path in fmt.input_paths:
            t, row, col = path.split(".")
            if t == table.key:
                value = report.numbers.get(path)  # unread: what was typed, or null (never found in an imported report)
                section.setdefault(row, {})[col] = plain(report.unread.get(path) if value is None else value)
        data[table.key] = section
    printed = {**report.typed_totals, **{p: None for p in report.unread if fmt.is_derived(p)}}
    for path, value in printed.items():  # totals as printed (checked, never trusted); null: printed but not read
        key, row, col = path.split(".")
        data[key].setdefault(row, {})[col] = plain(value)
    return data


def dump_yaml(report: Report) -> str:
    return yaml.dump(report_to_dict(report), allow_unicode=True, sort_keys=False, width=100)


def write_data_file(report: Report, path: Path, force: bool) -> None:
    """Write the report as a data file: JSON for ``.json``, YAML otherwise."""
    if path.suffix.lower() == ".json":
        text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"
    else:
        text = dump_yaml(report)
    write_atomic(path, text, force=force)
