"""The report data file (YAML or JSON): schema, reading into a ``Report`` and writing one back.

The layout is documented in docs/data-file.md. The JSON Schema is generated from the format
definitions (``nianbao schema`` prints it), so editors can complete and check a data file.
"""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from ..findings import ERROR, WARNING, Finding
from ..formats import COUNT, FORMATS, HEADINGS, Format, format_for_year
from ..numbers import format_number, parse_date, parse_number
from ..report import AGENCY_FIELDS, PROSE_FIELDS, Agency, Fees, Report
from . import InputError

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
NUMBER = {"type": ["integer", "number", "string", "null"]}
TEXT = {"type": ["string", "integer", "number", "null"]}  # phone numbers and postcodes are often typed as numbers


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so YAML and JSON data read the same way."""


_StringDateLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
                    {c.key: {**NUMBER, "title": c.label} for c in cols})
        return obj(rows, title=formats[0].table(key).section)

    overview = {k.split(".")[1]: {**TEXT, "title": v} for k, v in PROSE_FIELDS.items() if k.startswith("overview.")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "政府信息公开工作年度报告数据文件",
        **obj({
            "format": {"type": ["string", "integer"], "enum": [*FORMATS, *map(int, FORMATS)],
                       "title": "表格格式版本（默认由年度决定）"},
            "year": {"type": "integer", "minimum": 2008, "maximum": 2100, "title": "报告年度"},
            "publication_date": {**TEXT, "title": "发布日期 YYYY-MM-DD"},
            "agency": obj({k: {**TEXT, "title": v} for k, v in AGENCY_FIELDS.items()},
                          required=["name"], title="机关信息"),
            "prose": obj({"overview": obj(overview, title=HEADINGS[0]),
                          "problems": {**TEXT, "title": PROSE_FIELDS["problems"]},
                          "other": {**TEXT, "title": PROSE_FIELDS["other"]}}, title="正文"),
            "fees": obj({"collected": {"type": ["boolean", "null"], "title": "是否收取信息处理费"},
                         "amount": {**NUMBER, "title": "信息处理费金额（元）"},
                         "cases": {**NUMBER, "title": "收费件数"}}, title="信息处理费"),
            "active": table("active"),
            "requests": table("requests"),
            "appeals": table("appeals"),
        }, required=["year", "agency"]),
    }


def read_data_file(path: Path) -> Report:
    """Read a .yaml/.yml/.json data file. Raises InputError (in Chinese) when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name}：文件不是 UTF-8 编码的文本，请用“UTF-8”编码另存后再试。") from None
    except OSError as exc:
        raise InputError(f"{path}：无法读取文件（{exc.strerror}）。") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_StringDateLoader)  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else f"第 {getattr(exc, 'lineno', '?')} 行"
        raise InputError(f"{path.name}：{line}格式有误，无法解析（{getattr(exc, 'problem', None) or exc}）。") from None
    if not isinstance(data, dict):
        raise InputError(f"{path.name}：文件内容为空或不是“字段: 值”的结构，请参照 docs/data-file.md 填写。")
    return report_from_dict(data, source=path.name)


def report_from_dict(data: dict, source: str = "数据文件") -> Report:
    """Validate a parsed data file and build the Report; number problems become findings."""
    _validate(data, json_schema(), source)
    year = data["year"]
    declared = str(data["format"]) if data.get("format") is not None else None
    fmt = FORMATS[declared] if declared else format_for_year(year)
    findings: list[Finding] = []
    report = Report(year=year, format=fmt, declared_format=declared, read_findings=findings)
    report.agency = Agency(**{k: _clean_text(v, f"agency.{k}", findings) for k, v in data["agency"].items()})
    report.publication_date = _parse_date(data.get("publication_date"), source)
    prose = data.get("prose") or {}
    for key, value in (prose.get("overview") or {}).items():
        report.prose[f"overview.{key}"] = _clean_text(value, f"prose.overview.{key}", findings)
    for key in ("problems", "other"):
        report.prose[key] = _clean_text(prose.get(key), f"prose.{key}", findings)
    report.fees = _read_fees(data.get("fees") or {}, findings)
    _read_numbers(data, report, findings)
    return report


def _validate(data: dict, schema: dict, source: str) -> None:
    from jsonschema import Draft202012Validator  # imported lazily: only reading needs it

    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errors:
        raise InputError("\n".join(f"{source}：{_explain(e)}" for e in errors[:20]))


def _explain(error) -> str:
    where = ".".join(map(str, error.path)) or "文件顶层"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema["properties"]))
        allowed = "、".join(error.schema["properties"])
        return f"字段「{where}」下有不认识的字段 {'、'.join(extra)}。可用的字段：{allowed}。"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return f"缺少必填字段「{where + '.' if error.path else ''}{missing}」。"
    if error.validator == "type":
        expected = {"integer": "整数", "number": "数字", "string": "文字", "object": "“字段: 值”结构",
                    "boolean": "是/否（true/false）", "null": "空"}
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"字段「{where}」的值「{error.instance}」类型不对，应为{'或'.join(expected[t] for t in types)}。"
    if error.validator == "enum":
        return f"字段「{where}」的值「{error.instance}」不可用，可选：{'、'.join(map(str, error.validator_value))}。"
    if error.validator in ("minimum", "maximum"):
        return f"字段「{where}」的值 {error.instance} 超出范围。"
    return f"字段「{where}」有误：{error.message}"


def _clean_text(value, field: str, findings: list[Finding]) -> str:
    if value is None:
        return ""
    text = str(value)
    cleaned = CONTROL_CHARS.sub("", text)
    if cleaned != text:
        findings.append(Finding("R0-3", WARNING, field, "文字中含有不可见的控制字符，已删除。", path=field))
    return cleaned


def _parse_date(value, source: str) -> date | None:
    if not value:
        return None
    parsed = parse_date(str(value))
    if parsed is None:
        raise InputError(f"{source}：发布日期「{value}」不是有效日期，请写成 2026-01-20 的形式。")
    return parsed


def _read_fees(data: dict, findings: list[Finding]) -> Fees:
    fees = Fees(collected=data.get("collected"))
    for key, kind in (("amount", "amount"), ("cases", "count")):
        if data.get(key) is not None:
            parsed = parse_number(data[key], kind)
            if parsed.value is None:
                findings.append(Finding("R0-1", ERROR, f"fees.{key}", f"信息处理费{parsed.note}。", path=f"fees.{key}"))
            setattr(fees, key, parsed.value)
    return fees


def _read_numbers(data: dict, report: Report, findings: list[Finding]) -> None:
    fmt = report.format
    for table in fmt.tables():
        given = data.get(table.key) or {}
        for row_key, cells in given.items():
            for col_key, raw in (cells or {}).items():
                path = f"{table.key}.{row_key}.{col_key}"
                if path not in fmt.input_paths and not _is_total(fmt, path):
                    findings.append(_wrong_format(fmt, path, raw))
                    continue
                parsed = parse_number(raw, COUNT if _is_total(fmt, path) else fmt.kind_of(path))
                _store(report, path, parsed, raw, findings)
    for path in fmt.input_paths:
        report.numbers.setdefault(path, 0)


def _is_total(fmt: Format, path: str) -> bool:
    table, row, col = path.split(".")
    if table == "active":
        return False
    t = fmt.table(table)
    return any(r.key == row for r in t.rows) and any(c.key == col for c in t.columns) and (
        t.row(row).derived or t.column(col).derived)


def _store(report: Report, path: str, parsed, raw, findings: list[Finding]) -> None:
    total = _is_total(report.format, path)
    target = report.typed_totals if total else report.numbers
    kind = COUNT if total else report.format.kind_of(path)
    target[path] = parsed.value
    where = report.where(path)
    if parsed.value is None:
        report.unreadable[path] = raw
        findings.append(Finding("R0-1", ERROR, where, f"{parsed.note}，请填写数字。", path=path, operands={"输入": raw}))
    elif raw is None:  # null: not read (the importer writes null for a cell it never found), never a silent 0
        target[path] = None
        findings.append(Finding("R0-2", ERROR, where, "为空（null，未填写或未读取）：不按 0 计算，用到这一格的勾稽关系不校验。"
                                "请填写数字，没有发生的填 0。", path=path))
    elif parsed.blank:
        findings.append(Finding("R0-2", WARNING, where, "空白，已按 0 处理；没有发生请填 0。", path=path))
    elif parsed.note:
        findings.append(Finding("R0-1", WARNING, where, f"「{raw}」已按 {format_number(parsed.value, kind)} 处理"
                                f"（{parsed.note}），请核对。", path=path, operands={"输入": raw, "按": parsed.value}))


def _wrong_format(fmt: Format, path: str, raw) -> Finding:
    other = next(f for k, f in FORMATS.items() if k != fmt.key)
    where = other.describe(path) if path in other.input_paths else path
    return Finding("G-2", ERROR, where,
                   f"这一项属于{other.name}（{other.issued_by}），本报告应使用{fmt.name}（{fmt.issued_by}），"
                   "请按本年度格式重新填写第二部分表格。", path=path, operands={"输入": raw})


# --- writing ---------------------------------------------------------------------------------

def report_to_dict(report: Report) -> dict:
    """The data file for a report: only inputs, never derived totals."""
    fmt = report.format
    data: dict = {"format": fmt.key, "year": report.year}
    if report.publication_date:
        data["publication_date"] = report.publication_date.isoformat()
    data["agency"] = {k: v for k, v in vars(report.agency).items() if v}
    overview = {k.split(".")[1]: v for k, v in report.prose.items() if k.startswith("overview.") and v}
    data["prose"] = {"overview": overview, **{k: report.prose[k] for k in ("problems", "other") if report.prose.get(k)}}
    fees = {k: _plain(v) for k, v in vars(report.fees).items() if v is not None}
    if fees:
        data["fees"] = fees
    for table in fmt.tables():
        section: dict = {}
        for path in fmt.input_paths:
            t, row, col = path.split(".")
            if t == table.key:
                value = report.numbers.get(path)  # absent: never found (e.g. in an imported report) -> null
                section.setdefault(row, {})[col] = report.unreadable.get(path) if value is None else _plain(value)
        data[table.key] = section
    for path, value in report.typed_totals.items():  # totals as printed (an imported report): checked, not trusted
        table, row, col = path.split(".")
        data[table].setdefault(row, {})[col] = _plain(value)
    return data


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def dump_yaml(report: Report) -> str:
    return yaml.dump(report_to_dict(report), allow_unicode=True, sort_keys=False, width=100)
