"""One agency of a batch, run in a worker process: read, check, render, write, record.

Each agency folder holds its reports and ``.nianbao.json``, the record of what was generated from
which input (hash), with the findings and a hash of every file written. A re-run skips an agency whose
record matches its input and whose files are unchanged; a file the tool did not write (or the user
edited since) is never replaced without --force.
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
from typing import TYPE_CHECKING

from ..checks import check, cross_year
from ..errors import InputError
from ..findings import ERROR, Finding, has_errors
from ..outputs import write_atomic
from ..prose import file_stem
from ..report import Report

if TYPE_CHECKING:
    from ..inputs.roster import RosterLayout

RECORD = ".nianbao.json"
OK, WARNINGS, ERRORS, UNREADABLE = "通过", "有提醒", "有错误", "无法读取"
DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
FRAGMENT = "fragment"  # with html: the article with inline styles, for pasting into a portal's editor
FRAGMENT_SUFFIX = "（网站发布用片段）.htm"  # .htm: not counted with the report pages (*.html)


@dataclass(frozen=True)
class Options:
    """What every task of a run shares (sent once to each worker)."""

    output: str
    targets: tuple[str, ...]
    force: bool
    ignore_errors: bool
    layout: RosterLayout | None = None  # when the input is a roster
    previous_db: str | None = None  # sqlite index of last year's data, by unit code and normalised name
    deadline: tuple[int, int] = (1, 31)  # publication deadline (month, day) of the following year (G-6)
    codes: dict | None = None  # normalised name -> unit code, from the list of expected units


@dataclass(frozen=True)
class Task:
    seq: int
    folder: str  # agency folder name (safe, unique within the run)
    source: str  # where the data is, for people: 「第 7 行」 or a file name
    row: int | None  # roster row number, or None for a file
    payload: tuple | str  # the row's values, or the file path
    digest: str  # hash of the input and the settings that shape the output
    unit: tuple[str, str] = ("", "")  # (unit code, contact person) from the roster's optional columns


_options: Options | None = None
_done = 0
COLLECT_EVERY = 20  # agencies between full garbage collections: keeps a worker at ~75 MB instead of growing
_previous: sqlite3.Connection | None = None


def options() -> Options:
    """The options of this worker's run."""
    assert _options is not None, "init_worker() runs first in every worker process"
    return _options


def init_worker(options: Options, in_child: bool = True) -> None:
    """Per process: keep the options, let SIGTERM unwind (temp files cleaned), import WeasyPrint once."""
    global _options, _previous
    _options, _previous = options, None
    if in_child:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if "pdf" in options.targets:
        from ..render.pdf import warm_up

        warm_up()


def process(task: Task) -> dict:
    """Do one agency; never raises for bad data (the finding goes into the record)."""
    global _done
    _done += 1
    if _done % COLLECT_EVERY == 0:
        gc.collect()  # python-docx/lxml leave reference cycles the automatic collector reaches too rarely
    folder = Path(options().output) / task.folder
    old = _read_record(folder)
    targets, kept, kept_targets = wanted_targets(options().targets), {}, {}
    if not options().force and old is not None and _is_finished(old, task.digest, folder):
        targets = tuple(t for t in targets if t not in old.get("targets", {}))
        if not targets or not old["files"]:  # all there, or nothing to render (errors): done already
            return {**old, "seq": task.seq, "source": task.source, "skipped": True, "written": []}
        kept, kept_targets = old["files"], old.get("targets", {})  # e.g. a second run adds --to pdf
    record = new_record(task, files=dict(kept), targets=dict(kept_targets))
    try:
        report = _read(task, record)
    except InputError as exc:
        where, message = getattr(exc, "where", task.source), getattr(exc, "message", str(exc))
        message = message.removeprefix(f"{task.source}：")
        findings = list(getattr(exc, "findings", ())) or [Finding("读取", ERROR, where, message)]
        return _finish(record, UNREADABLE, findings, folder, old)
    except Exception as exc:
        message = f"读取时出现意外问题（{type(exc).__name__}：{exc}），请检查这一单位的数据。"
        return _finish(record, UNREADABLE, [Finding("读取", ERROR, task.source, message)], folder, old)
    _describe(record, report)
    if record.get("kind") == "rollup":  # a lower level's roll-up: summed again, its tables checked, not published
        from .rollup import table_findings

        findings = table_findings(report)
        return _finish(record, ERRORS if has_errors(findings) else WARNINGS if findings else OK, findings, folder, old)
    findings, stage = [], "校验"
    try:
        findings = check(report, options().deadline) + _cross_year(report, record)
        status = ERRORS if has_errors(findings) else WARNINGS if findings else OK
        if status != ERRORS or options().ignore_errors:
            stage = "输出"
            findings += _write_outputs(report, targets, folder, old, record, draft=status == ERRORS)
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            raise
        record["disk_full"] = record["retry"] = True  # the run stops; a re-run after freeing space redoes it
        return {
            **record,
            "status": ERRORS,
            "findings": [Finding(stage, ERROR, task.folder, disk_full_message(options().output)).as_dict()],
            "finished": False,
        }
    except Exception as exc:
        findings.append(
            Finding(
                stage,
                ERROR,
                task.folder,
                f"{stage}时出现意外问题（{type(exc).__name__}：{exc}），这一单位未完成，请检查后重新运行。",
            )
        )
        record["retry"] = True  # not finished: a re-run tries again
    status = ERRORS if has_errors(findings) else WARNINGS if findings else OK
    return _finish(record, status, findings, folder, old)


def disk_full_message(output: str) -> str:
    return (
        f"磁盘空间已满，无法写入输出文件夹 {output}。批量生成已停止，已写好的报告都完整保留，"
        "没有留下写了一半的文件。请腾出磁盘空间（或用 -o 换到空间更大的磁盘）后重新运行同一命令，会从中断处继续。"
    )


def wanted_targets(targets: tuple[str, ...]) -> tuple[str, ...]:
    """The files to make per agency: the formats asked for, plus the CMS fragment alongside HTML."""
    return (*targets, FRAGMENT) if "html" in targets else tuple(targets)


def output_name(report: Report, target: str, draft: bool = False) -> str:
    stem = file_stem(report, suffix="（草稿）" if draft else "")
    return f"{stem}{FRAGMENT_SUFFIX}" if target == FRAGMENT else f"{stem}.{target}"


def _describe(record: dict, report: Report) -> None:
    """What the filing status, the review page and the roll-up need to know of the agency."""
    from .status import normalise_name

    agency = report.agency
    content = json.dumps(
        [
            report.year,
            report.format.key,
            {p: _plain(v) for p, v in report.numbers.items()},
            {p: str(v) for p, v in report.unread.items()},
            dict(report.prose),
            str(report.publication_date),
            [_plain(v) for v in vars(report.fees).values()],
        ],
        ensure_ascii=False,
        sort_keys=True,
    )
    record.update(
        name=agency.name,
        parent=agency.parent,
        level=agency.level,
        year=report.year,
        format=report.format.key,
        numbers={p: _plain(v) for p, v in report.numbers.items()},
        publication_date=report.publication_date and report.publication_date.isoformat(),
        phone=agency.phone,
        office=agency.office,
        fees_amount=_plain(report.fees.amount),
        content=hashlib.sha256(content.encode()).hexdigest()[:16],
    )
    codes = options().codes
    if not record["code"] and codes:
        record["code"] = codes.get(normalise_name(agency.name), "")


def not_processed(task: Task, exc: BaseException) -> dict:
    """The record of an agency whose worker process died; nothing is recorded in its folder, so a re-run redoes it."""
    message = (
        f"处理这个单位时工作进程意外退出（{type(exc).__name__}），可能是内存不足。"
        "已完成的单位不受影响；请重新运行同一命令，会从这里继续。"
    )
    return new_record(task, status=ERRORS, findings=[Finding("处理", ERROR, task.source, message).as_dict()])


def new_record(task: Task, **fields) -> dict:
    """The record of one agency before it is read: where it came from; nothing read or written yet."""
    record = {
        "seq": task.seq,
        "folder": task.folder,
        "source": task.source,
        "digest": task.digest,
        "name": "",
        "code": task.unit[0],
        "contact": task.unit[1],
        "year": None,
        "format": None,
        "files": {},
        "written": [],
        "numbers": None,
        "skipped": False,
    }
    return {**record, **fields}


def _read(task: Task, record: dict) -> Report:
    if task.row is not None:
        from ..inputs.roster import report_from_row

        layout = options().layout
        assert layout is not None and isinstance(task.payload, tuple), "a roster run's task: a row of the roster"
        return report_from_row(layout, task.row, task.payload)
    from ..inputs import FORM_SUFFIXES, load_report
    from ..inputs.roster import is_roster
    from .rollup import is_rollup, read_rollup

    assert isinstance(task.payload, str), "a folder run's task: a file path"
    path = Path(task.payload)
    if path.suffix.lower() in FORM_SUFFIXES and is_rollup(path):
        record["kind"] = "rollup"
        return read_rollup(path)
    if path.suffix.lower() in FORM_SUFFIXES and is_roster(path):
        raise InputError(
            "这是汇总填报表，不能和各单位的填报表放在同一个文件夹中处理；"
            f"请单独运行 nianbao batch {path.name} -o 输出目录。"
        )
    return load_report(path)


def _cross_year(report: Report, record: dict) -> list[Finding]:
    """X-1/X-2 (and T-2) against last year's data of the same unit (by unit code, else by name), when given."""
    global _previous
    previous_db = options().previous_db
    if not previous_db:
        return []
    from .status import normalise_name

    if _previous is None:
        _previous = sqlite3.connect(f"{Path(previous_db).as_uri()}?mode=ro", uri=True)
    row, how = None, ""
    keys = (("code", record["code"], "单位代码"), ("norm", normalise_name(report.agency.name), "名称"))
    for column, key, by in keys:
        row = key and _previous.execute(f"SELECT id, name, data FROM previous WHERE {column} = ?", (key,)).fetchone()
        if row:
            how = by
            break
    if not row:
        by = f"单位代码「{record['code']}」和" if record["code"] else ""
        return [
            Finding(
                "X-1",
                "W",
                "跨年度核对",
                f"上年数据中按{by}名称「{report.agency.name}」都没有找到这个单位，"
                "未做跨年度核对（X-1、X-2）。请核对机关名称是否与上年一致。",
                operands={"机关名称": report.agency.name},
            )
        ]
    record["previous"] = {"id": row[0], "name": row[1], "by": how}
    from ..inputs.datafile import report_from_dict

    try:
        return cross_year(report, report_from_dict(json.loads(row[2]), source="上年数据"))
    except Exception:
        return [
            Finding(
                "X-1",
                "W",
                "跨年度核对",
                "本年或上年数据中有无法识别的数字，未做跨年度核对（X-1、X-2），请先改正数字错误。",
            )
        ]


def _write_outputs(
    report: Report, targets, folder: Path, old: dict | None, record: dict, *, draft: bool = False
) -> list[Finding]:
    """Render the targets and place them; refuse to replace a file the tool did not write.

    A ``draft`` (made despite errors, --ignore-errors) is marked 草稿 like ``nianbao render``'s, and gets
    no CMS fragment: it is not for publishing.
    """
    from ..render import render
    from ..render.fragment import render_fragment

    def make(target: str) -> bytes:
        return render_fragment(report).encode("utf-8") if target == FRAGMENT else render(report, target, None, draft)

    if draft and FRAGMENT in targets:
        record["targets"][FRAGMENT] = ""  # done: nothing to publish
        targets = tuple(t for t in targets if t != FRAGMENT)
    outputs = {output_name(report, t, draft): (t, make(t)) for t in targets}
    known = (old or {}).get("known", {})
    findings, allowed = [], {}
    for name, (target, data) in outputs.items():
        path, digest = folder / name, _sha(data)
        if path.exists() and not options().force:
            current = _sha(path.read_bytes())
            if current != digest and current not in known.get(name, ()):
                findings.append(
                    Finding(
                        "输出",
                        ERROR,
                        str(path),
                        "文件已存在且不是本工具生成的（或生成后被修改过），为避免覆盖，未写入；"
                        "如确需覆盖，请加 --force。",
                    )
                )
                continue
        allowed[name] = (target, data, digest)
    # Record the files about to be written first, so an interrupted run still knows they are its own.
    pending = {n: sorted({*known.get(n, ()), d}) for n, (_, _, d) in allowed.items()}
    _write_record(folder, {**(old or {}), "finished": False, "known": {**known, **pending}})
    for name, (target, data, digest) in allowed.items():
        write_atomic(folder / name, data, force=True)
        record["files"][name] = digest
        record["targets"][target] = name
        record["written"].append(name)
    record["known"] = {**known, **{n: [d] for n, (_, _, d) in allowed.items()}}
    return findings


def _finish(record: dict, status: str, findings: list[Finding], folder: Path, old: dict | None) -> dict:
    record.update(status=status, findings=[f.as_dict() for f in findings], finished=True)
    record.setdefault("known", (old or {}).get("known", {}))
    try:
        _write_record(folder, record)
    except OSError as exc:  # a full disk: the run stops; without its record the agency is redone next time
        if exc.errno not in DISK_FULL:
            raise
        record.update(disk_full=True, retry=True)
    return record


def _is_finished(old: dict | None, digest: str, folder: Path) -> bool:
    if not old or not old.get("finished") or old.get("retry") or old.get("digest") != digest:
        return False
    return all((folder / n).exists() and _sha((folder / n).read_bytes()) == d for n, d in old["files"].items())


def _read_record(folder: Path) -> dict | None:
    try:
        return json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_record(folder: Path, record: dict) -> None:
    """Replace the record atomically (temp file + rename). Not fsynced: after a power cut the worst case is
    an agency rendered again, so the cost (two fsyncs per agency) is not worth it; the reports are fsynced."""
    data = json.dumps({k: v for k, v in record.items() if k not in ("seq", "skipped", "written")}, ensure_ascii=False)
    write_atomic(folder / RECORD, data, force=True, durable=False)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plain(value):
    """Numbers as JSON: Decimal amounts as text (exact), None for unreadable cells."""
    return str(value) if isinstance(value, Decimal) else value
