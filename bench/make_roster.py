"""Make a roster workbook of N synthetic agencies for ``nianbao batch`` (about 2 % broken on purpose).

    python bench/make_roster.py 1000 -o /tmp/roster-1000.xlsx [--year 2025] [--seed 1]

Good agencies balance every rule (R3-1…R4-1) and their prose agrees with their tables. Every 50th
agency (offset 7) is broken in one of five ways; ``ROSTER.answers.json`` lists each broken row, the
rule it must raise and the text its finding must name (a cell such as ``AI7`` or a column).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.formats import format_for_year, outcome_rows
from generator.inputs.roster import cell_ref, roster_columns, write_roster
from generator.report import Agency, Fees, Report

PLACES = "青石嵋阳英林云溪松岭桃源金沙白马凤凰龙泉梅山柳河杏花枫桥竹园兰亭花溪石门清水"
BROKEN_EVERY, BROKEN_OFFSET = 50, 7


def agency_name(i: int) -> str:
    """Distinct, realistic names: two place syllables, a number only when the combinations run out."""
    syllables = [PLACES[k:k + 2] for k in range(0, len(PLACES), 2)]
    n = len(syllables)
    first, second, round_ = syllables[i % n], syllables[(i // n) % n], i // (n * n)
    kind = ("镇人民政府", "乡人民政府", "街道办事处")[i % 3]
    return f"{first}{second}{round_ or ''}{kind}"


def synthetic_report(i: int, year: int, rng: random.Random) -> Report:
    """One agency whose numbers satisfy every rule and whose prose agrees with them."""
    fmt = format_for_year(year)
    numbers = dict.fromkeys(fmt.input_paths, 0)
    for col in fmt.requests.input_columns:
        busy = col.key == "natural" or rng.random() < 0.3
        for row in outcome_rows(fmt.requests):
            if busy and rng.random() < 0.35:
                numbers[f"requests.{row.key}.{col.key}"] = rng.randint(1, 6)
        done = sum(numbers[f"requests.{r.key}.{col.key}"] for r in outcome_rows(fmt.requests))
        forward = rng.randint(0, 2) if busy else 0
        carried = rng.randint(0, min(2, done + forward))
        numbers[f"requests.carry_forward.{col.key}"] = forward
        numbers[f"requests.carried_over.{col.key}"] = carried
        numbers[f"requests.new.{col.key}"] = done + forward - carried
    for row in fmt.appeals.rows:
        for col in fmt.appeals.input_columns:
            numbers[f"appeals.{row.key}.{col.key}"] = rng.choice((0, 0, 0, 1, 2))
    for path in numbers:
        if path.startswith("active."):
            numbers[path] = _active_value(fmt, path, rng)
    name = agency_name(i)
    agency = Agency(name=name, short_name="本机关", level=name[-5] if "镇" in name or "乡" in name else "街道",
                    parent="示例县人民政府", website="示例县人民政府门户网站", url="https://www.example.gov.cn/",
                    office="党政办公室", address=f"示例县{name[:4]}路{i + 1}号", postcode="100000",
                    phone=f"010-6{i:07d}", email=f"office{i}@example.gov.cn")
    report = Report(year=year, format=fmt, numbers=numbers, declared_format=fmt.key, agency=agency,
                    publication_date=date(year + 1, 1, 20), fees=Fees(collected=False))
    new, processed = report.requests_total("new"), report.requests_total("total_processed")
    return report.evolve(prose={
        "overview.intro": f"{year}年，{name}认真贯彻《中华人民共和国政府信息公开条例》，推进政务公开工作。",
        "overview.requests": f"本年度共收到政府信息公开申请{new}件，办结{processed}件。",
        "overview.management": "落实公开属性源头认定，开展保密审查。",
        "overview.platform": "依托县政府门户网站专栏发布信息，按季度更新公开栏。",
        "overview.supervision": "将政务公开纳入年度考核，开展社会评议一次，本年度未发生责任追究情况。",
        "problems": "依申请公开答复的规范性有待提高。改进措施：组织业务培训，统一答复文书模板。",
        "other": "本年度未收取信息处理费。",
    })


def _active_value(fmt, path: str, rng: random.Random):
    _, row, _col = path.split(".")
    if row == "rules":
        return 0  # townships make no 规章 (R2-1)
    if fmt.kind_of(path) == "amount":
        return Decimal(rng.randint(0, 500)) / 100
    if fmt.kind_of(path) == "signed":
        return rng.randint(-2, 2)
    return rng.randint(0, 40)


def typed(report: Report, **cells) -> Report:
    """The report with some cells typed as given (a path's '.' written as '__'): numbers, or text a clerk typed."""
    numbers, unread = dict(report.numbers), dict(report.unread)
    for key, value in cells.items():
        path = key.replace("__", ".")
        numbers.pop(path, None)
        unread.pop(path, None)
        (numbers if isinstance(value, (int, Decimal)) and value >= 0 else unread)[path] = value
    return report.evolve(numbers=numbers, unread=unread)


def break_report(report: Report, kind: int, row: int, columns) -> tuple[Report, dict]:
    """Damage one agency in one of five ways; return it and what the batch report must say about it."""
    index = {c.key: i for i, c in enumerate(columns)}
    if kind == 0:
        return typed(report, requests__new__natural="十二"), {
            "rule": "R0-1", "where": cell_ref(index["requests.new.natural"], row)}
    if kind == 1:
        return typed(report, appeals__review__upheld=-3), {
            "rule": "R0-1", "where": cell_ref(index["appeals.review.upheld"], row)}
    if kind == 2:
        return typed(report, requests__granted__natural=report.number("requests.granted.natural") + 1), {
            "rule": "R3-1", "where": "列「自然人」"}
    if kind == 3:
        return typed(report, active__penalty__decisions="2.5"), {
            "rule": "R0-1", "where": cell_ref(index["active.penalty.decisions"], row)}
    return report.evolve(agency=replace(report.agency, name="")), {
        "rule": "读取", "where": cell_ref(index["agency.name"], row)}


def make_roster(count: int, path: Path, year: int = 2025, seed: int = 1, broken_every: int = BROKEN_EVERY) -> list[dict]:
    """Write the roster and its answers file; return the answers (broken rows)."""
    rng = random.Random(seed)
    fmt = format_for_year(year)
    columns = roster_columns(fmt)
    answers = []

    def reports():
        for i in range(count):
            report = synthetic_report(i, year, rng)
            if i % broken_every == BROKEN_OFFSET % broken_every:
                row = i + 3
                report, expected = break_report(report, (i // broken_every) % 5, row, columns)
                answers.append({"row": row, "name": report.agency.name or f"第{row}行", **expected})
            yield report

    write_roster(path, fmt, True, reports())
    Path(f"{path}.answers.json").write_text(json.dumps(answers, ensure_ascii=False, indent=1), encoding="utf-8")
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description="生成 N 个虚构单位的汇总填报表（约 2% 故意出错）")
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    answers = make_roster(args.count, Path(args.output), args.year, args.seed)
    print(f"已生成 {args.output}：{args.count} 个单位，其中 {len(answers)} 个故意出错（见 {args.output}.answers.json）")


if __name__ == "__main__":
    main()
