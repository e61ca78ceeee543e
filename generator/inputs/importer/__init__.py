"""Import a published annual report (.docx, .html/.htm, .txt, .pdf; scans by OCR) into a ``Report``.

``import_report(path)`` reads the document into items (``text`` / ``docx`` /
``html``), finds its structure (``sections``), reads the tables of 二/三/四 by their
labels (``tables``), stores the values for the format version the tables actually use
(``place``) and takes the agency, contact details and prose (``prose``).

It never guesses silently. What it could not read, or what is wrong with the report's form, is in
``report.read_findings`` with the evidence (text and line / paragraph / cell), so ``nianbao check``
on a published report lists it next to the arithmetic rules. Rule ids used here:

* G-1 — structure: numbering reused (「一、」 twice), 「以上四个部分」 when there are six, table
  labels reworded. (Missing or reworded section headings are reported by the checker's G-1 from
  ``report.headings``.)
* G-2 — format version: the tables mix 2019 and 2021 rows; rows of the other version not read.
* R0-1 — a cell normalised (warning: 「+0」, 「500,0000」, stray spaces) or unreadable (error).
* R0-2 — a blank cell (or a whole blank row) in a published table (error; read as blank).
* I-1 — a table, or a row of it, not found (or published as a picture): its numbers are not read. A
  township's missing 规章 row (its value can only be 0) is a warning.
* I-2 — a row whose cells cannot be lined up with the table's columns, a cell holding several numbers
  (「1 0」: cells a converter merged), a label line apart from its row of numbers (markdown), sub-rows
  printed instead of the official row, a blank label whose position the arithmetic contradicts: not read.
* I-3 — a row with an extra cell where every alignment gives the same numbers (read), a row that
  appears twice (first one read), a row with a blank label that its position identifies (read: both
  neighbours found, exactly its rows between them, the arithmetic agrees), rows whose numbers stood in
  fewer cells separated by spaces, exactly as many as the columns (read).
* I-4 — numbers in a table that belong to no known row: not read.
* I-5 — agency name, year or publication date not found; the title and the 落款 name different agencies.
* I-6 — placeholder text (【…】) left in the prose.
* I-7 — cells run together with no separator: split by the table's arithmetic (warning), or not
  read when more than one split (or none) fits (error).
* I-8 — a section of the report's own between the official ones (「五、收费情况」 with its table):
  skipped, so the official tables after it are still found.
* S-1 — a number recognised on a scan (image-only PDF, PNG, JPEG; see ``scan``) that no equation of the
  tables proves: not read, with what was recognised; a cell of 二 (in no equation) read alike from the page
  and from its cell alone: read, with a reminder to check it.

A cell that is not read is None in ``report.numbers`` (or ``report.typed_totals``), never 0: the
checker reports the rules that need it as "could not be checked".
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ...errors import InputError
from ...findings import ERROR, WARNING, Finding
from ...formats import FORMATS, HEADINGS, TOWNSHIP_LEVELS, format_for_year
from ...report import PROSE_FIELDS, Agency, Report, ReportBuilder
from ..sniff import SCAN_SUFFIXES, check_report_file
from .agency import CHROME, clean_name, disagreement
from .items import Item, Source, compact, is_numeric, snippet
from .place import Placer
from .prose import (
    PLACEHOLDER,
    agency_from,
    drop_generated,
    full_name,
    name_in_text,
    overview_parts,
    paragraphs_text,
    read_fees,
    report_year,
    title_parts,
)
from .sections import NUMERALS, Structure, find_structure, opening_items, section_items, split_signature
from .settle import settle
from .tables import RowRead, TableRead, read_active, read_appeals, read_requests
from .transposed import read_transposed

PARTS_STATED = re.compile(r"([一二三四五六七八九十两\d]+)个部分")


def import_report(path: Path, previous: Report | None = None) -> Report:
    """The published report at ``path``; ``previous`` (last year's report) helps settle cells run together."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    from .pdf import ScannedPDF
    from .scan import import_scan

    check_report_file(path)  # a regular file; not .doc or .mht in disguise; a PDF of a report's length
    if path.suffix.lower() in SCAN_SUFFIXES:
        return import_scan(path)
    try:
        source = read_source(path)
    except ScannedPDF as exc:
        return import_scan(path, str(exc))
    try:
        return build_report(source, path.name, previous)
    except InputError as exc:
        if path.suffix.lower() != ".pdf":
            raise
        raise InputError(
            f"{exc} 从 PDF 提取的文字可能不完整，请改用 Word（.docx）版本，或把报告文字复制到 .txt 文件后再导入。"
        ) from None


def read_source(path: Path) -> Source:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .docx import items_from_docx

        return items_from_docx(path)
    if suffix in (".html", ".htm"):
        from .html import items_from_html

        return items_from_html(path)
    if suffix == ".pdf":
        from .pdf import items_from_pdf

        return items_from_pdf(path)
    if suffix == ".txt":
        from .text import items_from_text, read_text_file

        return items_from_text(read_text_file(path))
    raise InputError(
        f"{path.name}：不支持导入「{suffix or '无扩展名'}」文件，可导入 .docx、.html、.txt、.pdf 或扫描图片 .png、.jpg。"
    )


def build_report(source: Source, name: str, previous: Report | None = None) -> Report:
    items = source.items
    structure = find_structure(items)
    if not any(i is not None for i in structure.headings) and not structure.anchors:
        raise InputError(
            f"{name}：没有找到年度报告的六个部分标题，也没有找到统计表格，"
            "看起来不是政府信息公开工作年度报告。请确认文件内容。"
        )
    findings: list[Finding] = []
    whole = "\n".join(item.text for item in items)
    title = structure.title or source.title
    agency_name, year = title_parts(title)
    opening = paragraphs_text(opening_items(items, structure))
    year = year or report_year(whole)
    if year is None:
        raise InputError(
            f"{name}：没有找到报告年度。请确认标题写成「××镇人民政府2025年政府信息公开工作年度报告」的形式。"
        )
    tables = _tables(items, structure)
    fmt_key = _decide_format(tables, year, findings)
    report = ReportBuilder(
        year=year,
        format=FORMATS[fmt_key],
        read_findings=findings,
        absent_is_zero=False,
        declared_format=fmt_key if any(t.votes for t in tables.values()) else None,
    )
    report.headings = tuple(t for k in range(6) if (t := structure.heading_text(items, k)))
    _place(report, tables, source, _pictures(items, structure), findings, previous)
    _structure_findings(items, structure, opening, findings)
    _read_prose(report, items, structure, findings)
    report.publication_date = source.published or report.publication_date
    signer, opening_name = clean_name(report.agency.name), clean_name(name_in_text(opening))
    titled = full_name(clean_name(agency_name), whole)
    agency_name = titled or signer or opening_name or clean_name(name_in_text(_report_text(items, structure)))
    if disagree := disagreement(titled, signer):
        findings.append(disagree)
    report.agency = agency_from(agency_name, opening, whole)
    findings[:] = [_level_row(f, report.agency.level) for f in findings]
    if not agency_name:
        findings.append(
            Finding(
                "I-5",
                WARNING,
                "标题",
                "没有从标题或落款中找到机关名称，请在数据文件的 agency.name 中填写。",
                path="agency.name",
                operands={"标题": structure.title},
            )
        )
    read_fees(report)
    drop_generated(report)
    return report.build()


def _report_text(items: list[Item], structure: Structure) -> str:
    """The report's own text: after its title, without lines of the page around it (banner, breadcrumb, fields)."""
    return "\n".join(item.text for item in items[structure.title_end :] if not CHROME.search(compact(item.text)))


def _region(items: list[Item], structure: Structure, key: str) -> list[Item]:
    start = structure.anchors.get(key)
    if start is None:
        return []
    bounds = [i for i in structure.bounds() if i > start]
    return items[start : min(bounds, default=len(items))]


def _pictures(items: list[Item], structure: Structure) -> dict[str, Item]:
    """For each table not found, the first picture in its section (the table was published as an image)."""
    found = {}
    for k, key in enumerate(("active", "requests", "appeals"), start=1):
        start = structure.headings[k]
        if key in structure.anchors or start is None:
            continue
        end = min([i for i in structure.bounds() if i > start], default=len(items))
        if picture := next((item for item in items[start:end] if item.image), None):
            found[key] = picture
    return found


def _requests(items: list[Item]) -> TableRead:
    """Table 三 as printed, or printed transposed when its shape proves it (``transposed``)."""
    return read_transposed(items) or read_requests(items)


def _tables(items: list[Item], structure: Structure) -> dict[str, TableRead]:
    return {
        "active": read_active(_region(items, structure, "active")),
        "requests": _requests(_region(items, structure, "requests")),
        "appeals": read_appeals(_region(items, structure, "appeals"), HEADINGS[3]),
    }


def _decide_format(tables: dict[str, TableRead], year: int, findings: list[Finding]) -> str:
    """Section 二's tables decide (they differ most between versions), else section 三's （六）, else the year."""
    chosen = {key: t.votes.most_common(1)[0][0] for key, t in tables.items() if t.votes}
    fmt_key = chosen.get("active") or chosen.get("requests") or format_for_year(year).key
    if len(set(chosen.values())) > 1:
        other = next(v for v in chosen.values() if v != fmt_key)
        mixed = next(k for k, v in chosen.items() if v == other)
        table = tables[mixed]
        findings.append(
            Finding(
                "G-2",
                ERROR,
                f"{FORMATS[fmt_key].table(mixed).section}",
                f"表格混用了两个格式版本：第二部分是{FORMATS[fmt_key].name}，这一部分却有{FORMATS[other].name}的"
                f"「{snippet(table.evidence.get(other, ''), 30)}」。全文应统一使用{format_for_year(year).name}。",
                operands={"第二部分": fmt_key, "这一部分": other, "原文": table.evidence.get(other, "")},
            )
        )
    return fmt_key


def _place(
    report: ReportBuilder,
    tables: dict[str, TableRead],
    source: Source,
    pictures: dict[str, Item],
    findings: list[Finding],
    previous: Report | None,
) -> None:
    placer = Placer(report, source.exact_cells, findings, pipes=source.pipes, previous=previous)
    for key, heading in zip(("active", "requests", "appeals"), HEADINGS[1:4], strict=True):
        read = tables[key]
        if read.transposed:
            findings.append(_transposed(read, heading))
        other = placer.place_table(read, heading)
        if key == "requests":
            other = placer.single_other_row(placer.sum_other_rows(other, heading), heading)
        placer.confirm_positional(heading)  # once the whole table is placed
        if key == "requests":
            settle(placer, read, heading)  # the rows still unread, by the one reading the arithmetic leaves
        if other:
            _other_format(report, other, heading, findings)
        if not (other and not any(s.startswith(key) for s in placer.seen)):
            placer.missing_rows(key, heading, pictures.get(key))
    placer.mark_unread()


def _transposed(read: TableRead, heading: str) -> Finding:
    first = read.rows[0].label
    return Finding(
        "I-3",
        WARNING,
        f"{heading}（{first.where if first else ''}）",
        "这张表格行列颠倒：办理情况各行印在表头一行，申请人各类印在左边一列。每个数按它上方的行标签和左边的"
        "申请人类型读取（每类申请人一行，数的个数与表头的行标签个数一致），请对照原报告核对。",
    )


def _level_row(finding: Finding, level: str) -> Finding:
    """A missing 规章 row in a township's table is a reminder: a township makes no 规章, the row can only be 0.
    It stays unread (the report does not print it), but it is no error of the report's numbers."""
    if finding.rule != "I-1" or finding.path != "active.rules" or level not in TOWNSHIP_LEVELS:
        return finding
    return Finding(
        "I-1",
        WARNING,
        finding.where,
        "表格中没有「规章」一行。乡镇、街道不制定规章，这一行只能是 0，请在表格中补上这一行并填 0；"
        "导入时这一行未读取。",
        path=finding.path,
    )


def _other_format(report: ReportBuilder, rows: list[RowRead], heading: str, findings: list[Finding]) -> None:
    fmt = report.format
    other = next(FORMATS[k] for k in rows[0].options)
    names = "、".join(f"「{r.name}」" for r in rows[:6]) + ("等" if len(rows) > 6 else "")
    findings.append(
        Finding(
            "G-2",
            ERROR,
            f"{heading} · {rows[0].label.where if rows[0].label else ''}",
            f"{names}共 {len(rows)} 行属于{other.name}，与本报告的{fmt.name}对不上，这些行的数据未读取。"
            f"请按{format_for_year(report.year).name}重新填写这张表。",
            operands={"行": [r.name for r in rows]},
        )
    )


def _structure_findings(items: list[Item], structure: Structure, opening: str, findings: list[Finding]) -> None:
    seen: dict[tuple[bool, int], Item] = {}
    for candidate in structure.candidates:
        style = (candidate.text[0].isdigit(), candidate.number)  # 「1.」 inside 一 is no second 「一、」
        earlier = seen.get(style)
        if earlier is not None:
            label = NUMERALS[candidate.number - 1] if 0 < candidate.number <= 10 else str(candidate.number)
            findings.append(
                Finding(
                    "G-1",
                    ERROR,
                    f"标题编号（{candidate.item.where}）",
                    f"编号「{label}」重复：{earlier.where}「{snippet(earlier.text, 30)}」，{candidate.item.where}"
                    f"「{snippet(candidate.text, 30)}」。全文应依次分为一至六六个部分，各部分内的小标题请用（一）（二）。",
                    operands={"前": earlier.text.strip(), "后": candidate.text},
                )
            )
        else:
            seen[style] = candidate.item
    for index in structure.extras:
        item = items[index]
        end = min([i for i in structure.bounds() if i > index], default=len(items))
        table = any(x.cell or is_numeric(x.text) for x in items[index + 1 : end])
        findings.append(
            Finding(
                "I-8",
                WARNING,
                f"{item.where}",
                f"「{snippet(item.text, 30)}」不是年度报告规定的六个部分之一，已跳过这一部分"
                f"{'（其中的表格未读取）' if table else ''}，其后的规范表格照常读取。"
                "如是本地要求增加的内容，可放在「六、其他需要报告的事项」中。",
                operands={"原文": item.text},
            )
        )
    if (match := PARTS_STATED.search(compact(opening))) and match.group(1) not in ("六", "6"):
        context = compact(opening)[max(0, match.start() - 20) : match.end()]
        findings.append(
            Finding(
                "G-1",
                ERROR,
                "开头段落",
                f"写的是「{match.group(0)}」（「…{context}」），年度报告应包括六个部分。",
                operands={"原文": context},
            )
        )


def _read_prose(report: ReportBuilder, items: list[Item], structure: Structure, findings: list[Finding]) -> None:
    overview = [item.text.strip() for item in section_items(items, structure, 0) if item.text.strip()]
    report.prose.update(overview_parts(overview))
    report.prose["problems"] = paragraphs_text(section_items(items, structure, 4))
    body, signer, when = split_signature(section_items(items, structure, 5))
    report.prose["other"] = paragraphs_text(body)
    report.agency = Agency(name=signer)
    if when:
        try:
            report.publication_date = date(*when)
        except ValueError:
            findings.append(
                Finding("I-5", WARNING, "落款日期", "落款日期「{}年{}月{}日」不是有效日期，请核对。".format(*when))
            )
    for key, text in report.prose.items():
        for line in text.split("\n"):
            if PLACEHOLDER.match(line.strip()):
                findings.append(
                    Finding(
                        "I-6",
                        WARNING,
                        PROSE_FIELDS.get(key, key),
                        f"正文中还留有占位文字「{snippet(line, 30)}」，发布前应改为实际内容。",
                        path=f"prose.{key}",
                        operands={"原文": line},
                    )
                )
