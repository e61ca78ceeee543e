"""审核报告.html: the county reviewer's page — status table, findings per unit, the roll-up and charts.

One self-contained file (inline CSS, a few lines of vanilla JS for filter and sort, inline SVG charts),
so it opens from a USB stick without a server or network, and prints on A4 landscape. Links to each
unit's reports are relative to the output folder. All user text is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, Template
from markupsafe import Markup

from ..findings import ERROR, SEVERITY_NAMES
from ..formats import APPEAL_COLUMNS
from ..render.fragment import article_of
from ..resources import template_text
from ..rules import rule_name
from .charts import bar_chart, figure, stacked_chart
from .record import UnitRecord
from .rollup import public_note, rollup_html
from .settle import STATUSES, Filing, Submission
from .sheets import Extra
from .sums import RollUp, outcome_totals

TOP_UNITS = 40  # units shown in the per-unit chart (the largest); the rest are summed in a note
FILL_IN_RULES = ("G-3",)
LINK_LABELS = {"html": "网页", "docx": "Word", "pdf": "PDF", "htm": "网站发布用片段"}


@dataclass(frozen=True)
class YearOnYear:
    """This year and last year over the same units (an equal base)."""

    this_year: RollUp
    last_year: RollUp
    units: int  # units with data in both years


def county_charts(rollup: RollUp, per_unit: list[tuple[str, int]], yoy: YearOnYear | None) -> list[str]:
    """The charts of a roll-up: applications per unit, outcome shares, appeals, this year against last year."""
    report = rollup.report()
    shown = sorted(per_unit, key=lambda item: -item[1])[:TOP_UNITS]
    rest = per_unit and len(per_unit) - len(shown)
    note = f"另有 {rest} 个单位共 {sum(v for _, v in per_unit) - sum(v for _, v in shown)} 件，未画出" if rest else ""
    title = "各单位本年新收政府信息公开申请（件）"
    charts = [figure(bar_chart(title, [(n, [v]) for n, v in shown], note=note, unit="件"))]
    outcomes = outcome_totals(report)
    title = "办理结果构成（第三部分（一）至（六），件）"
    charts.append(figure(stacked_chart(title, [("办理结果", list(outcomes.values()))], tuple(outcomes))))
    parts = [c for c in APPEAL_COLUMNS if not c.derived]
    rows, notes = [], []
    for row in report.format.appeals.rows:
        values = [report.number(f"appeals.{row.key}.{c.key}") or 0 for c in parts]
        rows.append((row.label, values))
        concluded = sum(values[:3])
        notes.append(
            f"纠正率 {values[1] / concluded:.0%}（已审结 {concluded} 件）" if concluded else "纠正率 —（无已审结）"
        )
    appeals = stacked_chart("政府信息公开行政复议、行政诉讼（件）", rows, tuple(c.label for c in parts), notes)
    charts.append(figure(appeals, "纠正率 = 结果纠正 ÷（结果维持 + 结果纠正 + 其他结果），尚未审结的不计。"))
    if yoy is not None:
        charts.append(_year_on_year(yoy))
    return charts


def _year_on_year(yoy: YearOnYear) -> str:
    now, before = yoy.this_year.key_figures(), yoy.last_year.key_figures()
    pairs = [
        (label, [_float(now[label]), _float(before.get(label))])
        for label in now
        if now[label] is not None or before.get(label) is not None
    ]
    series = (f"{yoy.this_year.year}年", f"{yoy.last_year.year}年")
    note = "每项按本项两年中较大的值画满；“—”为该年格式中没有这一项。"
    chart = bar_chart("主要数据与上年比较（同口径）", pairs, series, per_row=True, note=note)
    return figure(chart, f"同口径：{yoy.units} 个单位两年都有数据，只比较这些单位；本级自己的报告不计入。")


def _float(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def new_applications(record: UnitRecord) -> int:
    """本年新收 of one record (the sum of its applicant columns)."""
    numbers = record.numbers or {}
    return sum(int(v) for p, v in numbers.items() if p.startswith("requests.new.") and v is not None)


def link_label(name: str) -> str:
    """「Word」, 「网页」, 「PDF」, 「网站发布用片段」; a draft's links say 草稿."""
    label = LINK_LABELS.get(name.rsplit(".", 1)[-1], name)
    return f"{label}（草稿）" if "（草稿）" in name else label


def review_page(
    records: Any,
    filing: Filing,
    rollups: dict[Any, RollUp],
    charts: dict[Any, list[str]],
    notes: dict[Any, str],
    *,
    info: Any,
    previous: Sequence[str] = (),
    unmatched_this_year: Sequence[str] = (),
    extras: Sequence[Extra] = (),
    no_rollup: str = "",
) -> bytes:
    """The whole page, UTF-8 (encoded as it is generated: one copy of the page in memory, not three)."""

    def outputs(sub: Submission) -> list[tuple[str, str, str]]:  # (file name, link relative to the page, label)
        return [(name, quote(f"{sub.folder}/{name}"), link_label(name)) for name in sub.files]

    sections = [
        {
            "rollup": rollup,
            "note": notes[key],
            "charts": [Markup(c) for c in charts[key]],
            "tables": Markup(article_of(rollup_html(rollup, public_note(rollup)))),
            "checks": rollup.findings + rollup.comparisons,
        }
        for key, rollup in rollups.items()
    ]
    years = sorted(
        {r.year for r in rollups.values()} or {s.year for u in filing.units for s in u.submissions if s.year}
    )
    title = f"{filing.name or '各单位'}{'、'.join(map(str, years))}年度政府信息公开工作年度报告审核报告"
    findings_of: Callable[[int], tuple[dict[str, Any], ...]] = lambda seq: records.get(seq).findings  # noqa: E731
    page = io.BytesIO()
    for chunk in _template().generate(
        title=title,
        filing=filing,
        statuses=STATUSES,
        sections=sections,
        outputs=outputs,
        findings_of=findings_of,  # one unit at a time: memory stays flat
        severity=SEVERITY_NAMES,
        error=ERROR,
        fill_in=FILL_IN_RULES,
        info=info,
        previous=bool(previous) or bool(unmatched_this_year) or info.previous is not None,
        unmatched=list(previous),
        this_year_unmatched=list(unmatched_this_year),
        extras=extras,
        no_rollup=no_rollup,
        generated=f"{datetime.now():%Y-%m-%d %H:%M}",
        css=Markup(template_text("report.css") + template_text("screen.css") + PAGE_CSS),
        script=Markup(SCRIPT),
    ):
        page.write(chunk.encode("utf-8"))
    return page.getvalue()


def _template() -> Template:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["rule_name"] = rule_name
    return env.from_string(PAGE)


PAGE_CSS = """
body { font-family: 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif; margin: 0 auto; max-width: 1200px;
  padding: 16px; color: #222; font-size: 14px; line-height: 1.5; }
h1 { font-size: 22px; margin: 8px 0; }
h2 { font-size: 18px; border-bottom: 2px solid #2f6db5; padding-bottom: 4px; margin-top: 28px; }
.meta { color: #555; margin: 0 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: 6px 12px; background: #fff; cursor: pointer;
  font: inherit; }
.card b { font-size: 20px; display: block; }
.s-有错误 { background: #f8cbad; } .s-未提交 { background: #d9d9d9; } .s-重复提交 { background: #ffe699; }
.s-逾期 { background: #fce4d6; } .s-已提交且通过 { background: #e2efda; }
.controls { margin: 8px 0; display: flex; gap: 8px; flex-wrap: wrap; }
.controls input, .controls select { font: inherit; padding: 4px; }
.wrap { overflow-x: auto; }
table.status { border-collapse: collapse; width: 100%; min-width: 980px; }
table.status td:nth-child(2) { min-width: 9em; } table.status td:nth-child(10) { min-width: 16em; }
table.status td:nth-child(n+3):nth-child(-n+9), table.status td:last-child { white-space: nowrap; }
table.status th, table.status td { border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; text-align: left; }
table.status th { background: #ddebf7; cursor: pointer; white-space: nowrap; position: sticky; top: 0; }
table.status th[aria-sort=ascending]::after { content: " ▲"; }
table.status th[aria-sort=descending]::after { content: " ▼"; }
td.num { text-align: right; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(480px, 100%), 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid #ddd; padding: 8px; break-inside: avoid; min-width: 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
figure.chart figcaption { color: #555; font-size: 12px; }
details { border: 1px solid #ddd; margin: 6px 0; padding: 4px 8px; break-inside: avoid; }
summary { cursor: pointer; font-weight: bold; }
.sev { font-weight: bold; margin: 6px 0 2px; }
.sev-E { color: #b02a20; } .sev-W { color: #8a6100; } .sev-fill { color: #666; }
ul.findings { margin: 0; padding-left: 20px; }
.rollup .report { max-width: 100%; font-size: 12pt; line-height: 1.6; }
.rollup .report h1.title { font-size: 18pt; }
@media (max-width: 700px) { body { padding: 8px; font-size: 13px; } .charts { grid-template-columns: 1fr; }
  figure.chart { padding: 4px; } }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  .controls, .card { cursor: default; } .controls { display: none; }
  table.status tr { break-inside: avoid; } table.status th { position: static; }
  tr[hidden] { display: table-row !important; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  table.status { min-width: 0; }
}
"""

SCRIPT = """
(function () {
  var table = document.getElementById('status');
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var pick = document.getElementById('pick'), find = document.getElementById('find');
  function filter() {
    var want = pick.value, text = find.value.trim();
    rows.forEach(function (r) {
      r.hidden = (want && r.dataset.status !== want) || (text && r.textContent.indexOf(text) < 0);
    });
  }
  pick.addEventListener('change', filter); find.addEventListener('input', filter);
  Array.prototype.forEach.call(document.querySelectorAll('.card[data-status]'), function (b) {
    b.addEventListener('click', function () { pick.value = b.dataset.status; filter(); });
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    th.addEventListener('click', function () {
      var up = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        var x = a.cells[i].dataset.key || a.cells[i].textContent, y = b.cells[i].dataset.key || b.cells[i].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh-CN');
        return up ? c : -c;
      });
      rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
    });
  });
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
  });
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="meta">生成于 {{ generated }} · 公布期限：次年 {{ info.deadline[0] }} 月 {{ info.deadline[1] }} 日
{% if filing.has_list %} · 应报单位 {{ filing.units | selectattr("listed") | list | length }} 个{% endif %}
 · 输出文件夹中的「校验结果.xlsx」有同样的内容，可筛选、排序。</p>
<div class="cards">
{% for s in statuses %}
<button type="button" class="card s-{{ s }}" data-status="{{ s }}"><b>{{ filing.count(s) }}</b>{{ s }}</button>
{% endfor %}
</div>
{% for section in sections %}
<h2>图表：{{ section.rollup.title() }}</h2>
<div class="charts">{% for chart in section.charts %}{{ chart }}{% endfor %}</div>
{% endfor %}
<h2 id="units">各单位状态</h2>
<div class="controls">
<label>状态 <select id="pick"><option value="">全部</option>
{% for s in statuses %}<option>{{ s }}</option>{% endfor %}</select></label>
<label>查找 <input id="find" type="search" placeholder="单位名称、代码、联系人"></label>
<span>点击列标题排序</span>
</div>
<div class="wrap">
<table class="status" id="status">
<thead><tr><th>序号</th><th>单位</th><th>单位代码</th><th>状态</th><th>错误</th><th>提醒</th><th>发布日期</th>
<th>联系人</th><th>联系电话</th><th>说明</th><th>报告</th><th>与上次相比</th></tr></thead>
<tbody>
{% for unit in filing.units %}
{% set c = unit.chosen %}
<tr data-status="{{ unit.status }}">
<td class="num">{{ loop.index }}</td><td><a href="#u{{ loop.index }}">{{ unit.title }}</a></td><td>{{ unit.code }}</td>
<td class="s-{{ unit.status }}" data-key="{{ statuses.index(unit.status) }}">{{ unit.status }}</td>
<td class="num">{{ c.errors if c else "" }}</td><td class="num">{{ c.warnings if c else "" }}</td>
<td>{{ c.published if c and c.published else "" }}</td><td>{{ unit.contact }}</td><td>{{ unit.phone }}</td>
<td>{{ unit.notes | join("；") }}</td>
<td>{% if c %}{% for name, href, label in outputs(c) %}
<a href="{{ href }}">{{ label }}</a>
{% endfor %}{% endif %}</td><td>{{ c.change if c else "" }}</td>
</tr>
{% endfor %}
</tbody>
</table>
</div>
<h2>各单位的问题</h2>
{% for unit in filing.units %}
{% set unit_number = loop.index %}
<span id="u{{ unit_number }}"></span>
{% for sub in unit.ordered if sub.errors or sub.warnings %}
{% set found = findings_of(sub.seq) %}
<details{% if unit.status == "有错误" %} open{% endif %}>
<summary>{{ unit_number }}. {{ unit.title }}（{{ sub.source }}{% if sub is not sameas unit.chosen %}，未采用{% endif %}）
— 错误 {{ sub.errors }} · 提醒 {{ sub.warnings }}</summary>
{% if sub.files %}<p>报告：{% for name, href, label in outputs(sub) %}<a href="{{ href }}">{{ name }}</a>
{% endfor %}</p>{% endif %}
{% for group, label in ((error, "错误"), ("W", "提醒"), ("fill", "待补充的文字")) %}
{% set items = found | selectattr("severity", "equalto", error if group == error else "W") | list %}
{% if group == "fill" %}{% set items = items | selectattr("rule", "in", fill_in) | list %}
{% else %}{% set items = items | rejectattr("rule", "in", fill_in) | list %}{% endif %}
{% if items %}
<p class="sev sev-{{ group }}">{{ label }}（{{ items | length }}）</p>
<ul class="findings">{% for f in items %}<li>[{{ f.rule }}{% if rule_name(f.rule) %} {{ rule_name(f.rule) }}{% endif %}] {{ f.where }}：{{ f.message }}</li>{% endfor %}</ul>
{% endif %}
{% endfor %}
</details>
{% endfor %}
{% endfor %}
{% if filing.totals %}
<h2>本级报告与各单位合计</h2>
{% for t in filing.totals %}
<p>「{{ t.name }}」（{{ t.source }}）是本级自己的报告，不计入汇总，逐格与各单位合计比较（H-1）。</p>
{% endfor %}
{% endif %}
{% for section in sections %}
<h2>汇总：{{ section.rollup.title() }}{% if section.rollup.draft %}（草稿）{% endif %}</h2>
<p>{{ section.note }}</p>
{% if section.checks %}<ul class="findings">
{% for f in section.checks %}<li class="sev-{{ f.severity }}">{{ f.text() }}</li>{% endfor %}</ul>
{% else %}<p>汇总表校验通过{% if filing.totals %}，本级报告与各单位合计逐格一致{% endif %}。</p>{% endif %}
<div class="rollup">{{ section.tables }}</div>
{% endfor %}
{% if not sections %}<h2>汇总</h2>
<p>{{ no_rollup }}</p>{% endif %}
{% if filing.set_aside %}
<h2>文件夹中未读取的文件和子文件夹（{{ filing.set_aside | length }} 个）</h2>
<ul class="findings">{% for item in filing.set_aside %}<li>「{{ item.source }}」{{ item.reason }}</li>{% endfor %}</ul>
{% endif %}
{% for extra in extras %}
<h2>{{ extra.title }}</h2>
{% if extra.note %}<p>{{ extra.note }}</p>{% endif %}
{% if extra.rows %}<div class="wrap"><table class="status"><thead><tr>{% for h in extra.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in extra.rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table></div>
{% else %}<p>{{ extra.empty }}</p>{% endif %}
{% endfor %}
{% if previous %}
<h2>与上年数据的匹配</h2>
{% if this_year_unmatched %}<p>本年这些单位在上年数据中没有找到（按单位代码、名称）：
{{ this_year_unmatched | join("、") }}。</p>{% endif %}
{% if unmatched %}<p>上年数据中这些单位本年没有对应：{{ unmatched | join("、") }}。</p>{% endif %}
{% if not this_year_unmatched and not unmatched %}<p>本年各单位都在上年数据中找到了对应。</p>{% endif %}
{% endif %}
<script>{{ script }}</script>
</body>
</html>
"""
