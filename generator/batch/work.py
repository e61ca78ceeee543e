"""Work: one submission of a batch, in a worker process — read, check, build the document once, render, record.

Each unit's folder holds its reports and ``.nianbao.json`` (a stored ``UnitRecord``: what was generated
from which input, with the findings and a hash of every file written). A re-run skips a unit whose record
matches its input and whose files are unchanged; a file the tool did not write (or the user edited
since) is never replaced without --force. Bad data becomes findings; anything else that goes wrong is
an internal error, reported as such (status 处理出错), never as a finding about the data.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import signal
import sqlite3
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..checks import check, cross_year
from ..document import build_document
from ..errors import InputError
from ..findings import ERROR, WARNING, Finding, has_errors
from ..inputs import FORM_SUFFIXES, load_report
from ..inputs.datafile import report_from_dict
from ..inputs.roster import RosterLayout, is_roster, report_from_row
from ..outputs import write_atomic
from ..prose import file_stem, page_title
from ..render import printable
from ..render.docx import render_docx
from ..render.fragment import fragment_of_page
from ..render.html import render_blocks
from ..report import Report
from .names import normalise_name
from .plan import FRAGMENT_SUFFIX, RECORD, Task
from .previous import find, renamed_guess
from .record import ERRORS, INTERNAL, OK, REPORT, ROLLUP, SET_ASIDE, UNREADABLE, WARNINGS, UnitRecord, from_json
from .sums import is_rollup, read_rollup, table_findings

DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
FRAGMENT = "fragment"  # with html: the article with inline styles, for pasting into a portal's editor
COLLECT_EVERY = 20  # units between full garbage collections: keeps a worker at ~75 MB instead of growing
OLD_RECORD = "上次运行留下的记录（.nianbao.json）是旧版本或无法识别，已忽略，本次重新生成"


@dataclass(frozen=True)
class Options:
    """What every task of a run shares (sent once to each worker)."""

    output: str
    targets: tuple[str, ...]
    force: bool
    ignore_errors: bool
    layout: RosterLayout | None = None  # when the input is a roster
    previous_db: str | None = None  # sqlite index of last year's data (see ``previous``)
    deadline: tuple[int, int] = (1, 31)  # publication deadline (month, day) of the following year (G-6)
    codes: dict[str, str] | None = None  # normalised name -> unit code, from the list of expected units


class InternalError(Exception):
    """Something went wrong in the tool, not in the data."""


_options: Options | None = None
_done = 0
_previous: sqlite3.Connection | None = None


def options() -> Options:
    """The options of this worker's run."""
    assert _options is not None, "init_worker() runs first in every worker process"
    return _options


def init_worker(options: Options, in_child: bool = True) -> None:
    """Per process: keep the options; Ctrl-C and SIGTERM are the main process's to handle; import WeasyPrint once."""
    global _options, _previous
    _options, _previous = options, None
    if in_child:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process stops the pool (no traceback per worker)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    if "pdf" in options.targets:
        from ..render.pdf import warm_up

        warm_up()


def process(task: Task) -> UnitRecord:
    """Do one submission; never raises for bad data (the findings go into the record)."""
    global _done
    _done += 1
    if _done % COLLECT_EVERY == 0:
        gc.collect()  # python-docx/lxml leave reference cycles the automatic collector reaches too rarely
    folder = Path(options().output) / task.folder
    old, known, notes = _read_old(folder)
    last = {"last_status": old.status, "last_content": old.content} if old else {}
    record = new_record(task, known=known, notes=notes, **last)
    targets = wanted_targets(options().targets)
    if not options().force and old is not None and _is_finished(old, task.digest, folder):
        targets = tuple(t for t in targets if t not in old.targets)
        if not targets or not old.files:  # all there, or nothing to render (errors): done already
            return old.evolve(seq=task.seq, source=task.source, skipped=True, written=(), last_status=old.status)
        record = record.evolve(files=dict(old.files), targets=dict(old.targets))  # e.g. a second run adds pdf
    try:
        report, kind = _read(task)
    except InputError as exc:
        kind = SET_ASIDE if task.imported else record.kind  # a .txt/.docx that is no report is not a unit
        return _finish(record.evolve(kind=kind), UNREADABLE, _read_findings(task, exc), folder)
    except Exception as exc:
        return _finish(record, INTERNAL, [internal_finding("读取", task.source, exc)], folder, retry=True)
    record = _describe(record.evolve(kind=kind), report)
    if record.kind == ROLLUP:  # a lower level's roll-up: summed again, its tables checked, not published
        findings = table_findings(report)
        return _finish(record, _status(findings), findings, folder)
    return _check_and_render(record, report, targets, folder)


def _check_and_render(record: UnitRecord, report: Report, targets: tuple[str, ...], folder: Path) -> UnitRecord:
    findings: list[Finding] = []
    stage = "校验"
    try:
        cross, record = _cross_year(report, record)
        findings = check(report, options().deadline) + cross
        status = _status(findings)
        if status != ERRORS or options().ignore_errors:
            stage = "输出"
            written, record = _write_outputs(report, targets, folder, record, draft=status == ERRORS)
            findings += written
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            return _finish(record, INTERNAL, [*findings, internal_finding(stage, record.folder, exc)], folder, True)
        finding = Finding(stage, ERROR, record.folder, disk_full_message(options().output))
        return record.evolve(status=ERRORS, findings=(finding.as_dict(),), disk_full=True, retry=True)
    except Exception as exc:
        return _finish(record, INTERNAL, [*findings, internal_finding(stage, record.folder, exc)], folder, True)
    return _finish(record, _status(findings), findings, folder)


def _status(findings: list[Finding]) -> str:
    return ERRORS if has_errors(findings) else WARNINGS if findings else OK


def _read_findings(task: Task, exc: InputError) -> list[Finding]:
    where, message = getattr(exc, "where", task.source), getattr(exc, "message", str(exc))
    message = message.removeprefix(f"{task.source}：")
    return list(getattr(exc, "findings", ())) or [Finding("读取", ERROR, where, message)]


def internal_finding(stage: str, where: str, exc: BaseException) -> Finding:
    """An internal error: the tool's fault, not the data's; a re-run tries again."""
    return Finding(
        "内部错误",
        ERROR,
        where,
        f"{stage}时本工具出现内部错误（{type(exc).__name__}：{exc}），这不是数据的问题；这一单位未完成，"
        "重新运行同一命令会再试一次。如果一再出现，请把这条信息告诉软件维护者。",
    )


def disk_full_message(output: str) -> str:
    return (
        f"磁盘空间已满，无法写入输出文件夹 {output}。批量生成已停止，已写好的报告都完整保留，"
        "没有留下写了一半的文件。请腾出磁盘空间（或用 -o 换到空间更大的磁盘）后重新运行同一命令，会从中断处继续。"
    )


def wanted_targets(targets: tuple[str, ...]) -> tuple[str, ...]:
    """The files to make per unit: the formats asked for, plus the CMS fragment alongside HTML."""
    return (*targets, FRAGMENT) if "html" in targets else tuple(targets)


def output_name(report: Report, target: str, draft: bool = False) -> str:
    stem = file_stem(report, suffix="（草稿）" if draft else "")
    return f"{stem}{FRAGMENT_SUFFIX}" if target == FRAGMENT else f"{stem}.{target}"


def new_record(task: Task, **fields: Any) -> UnitRecord:
    """The record of one submission before it is read: where it came from; nothing read or written yet."""
    return UnitRecord(
        seq=task.seq,
        folder=task.folder,
        source=task.source,
        digest=task.digest,
        code=task.unit[0],
        contact=task.unit[1],
        imported=task.imported,
        **fields,
    )


def not_processed(task: Task, exc: BaseException) -> UnitRecord:
    """The record of a submission whose worker process died; nothing is recorded in its folder: a re-run redoes it."""
    message = (
        f"处理这个单位时工作进程意外退出（{type(exc).__name__}），可能是内存不足。这不是数据的问题；"
        "已完成的单位不受影响，请重新运行同一命令，会从这里继续。"
    )
    finding = Finding("内部错误", ERROR, task.source, message)
    return new_record(task, status=INTERNAL, findings=(finding.as_dict(),), retry=True)


def _read(task: Task) -> tuple[Report, str]:
    """The submission's report, and its kind (a unit's report, or a lower level's roll-up)."""
    if task.row is not None:
        layout = options().layout
        assert layout is not None and isinstance(task.payload, tuple), "a roster run's task: a row of the roster"
        return report_from_row(layout, task.row, task.payload), REPORT
    assert isinstance(task.payload, str), "a folder run's task: a file path"
    path = Path(task.payload)
    if path.suffix.lower() in FORM_SUFFIXES and is_rollup(path):
        return read_rollup(path), ROLLUP
    if path.suffix.lower() in FORM_SUFFIXES and is_roster(path):
        raise InputError(
            "这是汇总填报表，不能和各单位的填报表放在同一个文件夹中处理；"
            f"请单独运行 nianbao batch {path.name} -o 输出目录。"
        )
    return load_report(path), REPORT


def _describe(record: UnitRecord, report: Report) -> UnitRecord:
    """What settle and publish need to know of the unit (kept in the record, so nothing is read twice)."""
    agency = report.agency
    numbers = {p: _plain(v) for p, v in report.numbers.items()}
    content = json.dumps(
        [
            report.year,
            report.format.key,
            numbers,
            {p: str(v) for p, v in report.unread.items()},
            dict(report.prose),
            str(report.publication_date),
            [_plain(v) for v in vars(report.fees).values()],
        ],
        ensure_ascii=False,
        sort_keys=True,
    )
    code = record.code or (options().codes or {}).get(normalise_name(agency.name), "")
    return record.evolve(
        name=agency.name,
        parent=agency.parent,
        level=agency.level,
        year=report.year,
        format=report.format.key,
        numbers=numbers,
        prose={k: v for k, v in report.prose.items() if v},
        publication_date=report.publication_date and report.publication_date.isoformat(),
        phone=agency.phone,
        office=agency.office,
        fees_amount=_plain(report.fees.amount),
        content=hashlib.sha256(content.encode()).hexdigest()[:16],
        code=code,
    )


def _cross_year(report: Report, record: UnitRecord) -> tuple[list[Finding], UnitRecord]:
    """X-1/X-2 (and T-2) against last year's data of the same unit (by unit code, else by name), when given."""
    global _previous
    previous_db = options().previous_db
    if not previous_db:
        return [], record
    if _previous is None:
        _previous = sqlite3.connect(f"{Path(previous_db).as_uri()}?mode=ro", uri=True)
    row, how = find(_previous, record.code, report.agency.name)
    if not row:
        by = f"单位代码「{record.code}」和" if record.code else ""
        guess = renamed_guess(_previous, report.agency.name)
        advice = (
            f"上年数据中有「{guess}」：如是撤乡设镇等改名后的同一单位，请在应报单位名单（--expected）中加「曾用名」列，"
            f"填上「{guess}」后重新运行。"
            if guess
            else "请核对机关名称是否与上年一致。"
        )
        message = (
            f"上年数据中按{by}名称「{report.agency.name}」都没有找到这个单位，未做跨年度核对（X-1、X-2）。{advice}"
        )
        return [Finding("X-1", WARNING, "跨年度核对", message, operands={"机关名称": report.agency.name})], record
    try:
        last = report_from_dict(json.loads(row[2]), source="上年数据")
    except InputError:
        message = "上年数据中有无法识别的数字，未做跨年度核对（X-1、X-2）。"
        return [Finding("X-1", WARNING, "跨年度核对", message)], record
    if last.year != report.year - 1:  # --previous given this year's folder, or an older year's
        message = (
            f"上年数据中「{row[1]}」的报告年度是 {last.year} 年，不是 {report.year - 1} 年，未做跨年度核对"
            "（X-1 至 X-4）。请检查 --previous 是否给了上一年度的数据。"
        )
        return [Finding("X-1", WARNING, "跨年度核对", message)], record
    record = record.evolve(previous={"id": row[0], "name": row[1], "by": how})
    return cross_year(report, last), record


def render_all(report: Report, targets: tuple[str, ...], draft: bool) -> dict[str, bytes]:
    """Every target from one built document (the HTML and the fragment also share one page)."""
    report = printable(report)
    blocks = build_document(report)
    page = render_blocks(page_title(report), blocks, draft) if {"html", FRAGMENT} & set(targets) else ""
    out: dict[str, bytes] = {}
    for target in targets:
        if target == "html":
            out[target] = page.encode("utf-8")
        elif target == "pdf":  # laid out from a page without what only browsers use (its bytes are the same)
            from ..render.pdf import report_page_pdf

            out[target] = report_page_pdf(render_blocks(page_title(report), blocks, draft, inline_css=False))
        elif target == FRAGMENT:
            out[target] = fragment_of_page(page).encode("utf-8")
        elif target == "docx":
            out[target] = render_docx(report, None, draft, blocks=blocks)
        else:
            raise ValueError(target)
    return out


def _write_outputs(
    report: Report, targets: tuple[str, ...], folder: Path, record: UnitRecord, *, draft: bool = False
) -> tuple[list[Finding], UnitRecord]:
    """Render the targets and place them; refuse to replace a file the tool did not write.

    A ``draft`` (made despite errors, --ignore-errors) is marked 草稿 like ``nianbao render``'s, and gets
    no CMS fragment: it is not for publishing.
    """
    files, made = dict(record.files), dict(record.targets)
    if draft and FRAGMENT in targets:
        made[FRAGMENT] = ""  # done: nothing to publish
        targets = tuple(t for t in targets if t != FRAGMENT)
    rendered = render_all(report, targets, draft)
    outputs = {output_name(report, t, draft): (t, data) for t, data in rendered.items()}
    known = record.known
    findings, allowed = [], {}
    for name, (target, data) in outputs.items():
        path, digest = folder / name, _sha(data)
        if path.exists() and not options().force:
            current = _sha(path.read_bytes())
            if current != digest and current not in known.get(name, ()):
                message = (
                    "文件已存在且不是本工具生成的（或生成后被修改过），为避免覆盖，未写入；如确需覆盖，请加 --force。"
                )
                findings.append(Finding("输出", ERROR, str(path), message))
                continue
        allowed[name] = (target, data, digest)
    # Record the files about to be written first, so an interrupted run still knows they are its own.
    pending = {n: sorted({*known.get(n, ()), d}) for n, (_, _, d) in allowed.items()}
    _write_record(folder, record.evolve(finished=False, known={**known, **pending}))
    written = []
    for name, (target, data, digest) in allowed.items():
        write_atomic(folder / name, data, force=True)
        files[name], made[target] = digest, name
        written.append(name)
    known = {**known, **{n: [d] for n, (_, _, d) in allowed.items()}}
    return findings, record.evolve(files=files, targets=made, written=tuple(written), known=known)


def _finish(record: UnitRecord, status: str, findings: list[Finding], folder: Path, retry: bool = False) -> UnitRecord:
    record = record.evolve(status=status, findings=tuple(f.as_dict() for f in findings), finished=True, retry=retry)
    try:
        _write_record(folder, record)
    except OSError as exc:  # a full disk: the run stops; without its record the unit is redone next time
        if exc.errno not in DISK_FULL:
            raise
        record = record.evolve(disk_full=True, retry=True)
    return record


def _is_finished(old: UnitRecord, digest: str, folder: Path) -> bool:
    if not old.finished or old.retry or old.digest != digest:
        return False
    return all((folder / n).exists() and _sha((folder / n).read_bytes()) == d for n, d in old.files.items())


def _read_old(folder: Path) -> tuple[UnitRecord | None, dict[str, list[str]], tuple[str, ...]]:
    """The previous run's record; else (an old or foreign one) only the file hashes it names, and a note."""
    try:
        text = (folder / RECORD).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None, {}, ()
    record = from_json(text, seq=0)
    if record is not None:
        return record, record.known, ()
    try:
        data = json.loads(text)
        known = {str(k): [str(d) for d in v] for k, v in data.get("known", {}).items()}
    except (ValueError, AttributeError, TypeError):
        known = {}
    return None, known, (OLD_RECORD,)


def _write_record(folder: Path, record: UnitRecord) -> None:
    """Replace the record atomically (temp file + rename). Not fsynced: after a power cut the worst case is
    a unit rendered again, so the cost (two fsyncs per unit) is not worth it; the reports are fsynced."""
    write_atomic(folder / RECORD, record.to_json(stored=True), force=True, durable=False)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plain(value: Any) -> int | str | None:
    """Numbers as JSON: Decimal amounts as text (exact), None for unreadable cells."""
    return str(value) if isinstance(value, Decimal) else value
