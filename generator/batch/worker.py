"""One agency of a batch, run in a worker process: read, check, render, write, record.

Each agency folder holds its reports and ``.nianbao.json``, the record of what was generated from
which input (hash), with the findings and a hash of every file written. A re-run skips an agency whose
record matches its input and whose files are unchanged; a file the tool did not write (or the user
edited since) is never replaced without --force.
"""
from __future__ import annotations

import gc
import hashlib
import json
import signal
import sqlite3
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..checks import check, cross_year
from ..findings import ERROR, Finding, has_errors
from ..errors import InputError
from ..outputs import write_atomic
from ..prose import file_stem
from ..report import Report

RECORD = ".nianbao.json"
OK, WARNINGS, ERRORS, UNREADABLE = "通过", "有提醒", "有错误", "无法读取"


@dataclass(frozen=True)
class Options:
    """What every task of a run shares (sent once to each worker)."""

    output: str
    targets: tuple[str, ...]
    force: bool
    ignore_errors: bool
    layout: object = None  # RosterLayout when the input is a roster
    previous_db: str | None = None  # sqlite index of last year's data, by agency name


@dataclass(frozen=True)
class Task:
    seq: int
    folder: str  # agency folder name (safe, unique within the run)
    source: str  # where the data is, for people: 「第 7 行」 or a file name
    row: int | None  # roster row number, or None for a file
    payload: object  # the row's values, or the file path
    digest: str  # hash of the input and the settings that shape the output


_options: Options | None = None
_done = 0
COLLECT_EVERY = 20  # agencies between full garbage collections: keeps a worker at ~75 MB instead of growing
_previous: sqlite3.Connection | None = None


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
    folder = Path(_options.output) / task.folder
    old = _read_record(folder)
    targets, kept = _options.targets, {}
    if not _options.force and _is_finished(old, task.digest, folder):
        targets = tuple(t for t in targets if not any(n.endswith(f".{t}") for n in old["files"]))
        if not targets or not old["files"]:  # all there, or nothing to render (errors): done already
            return {**old, "seq": task.seq, "source": task.source, "skipped": True}
        kept = old["files"]  # e.g. a second run adds --to pdf: render only what is missing
    record = {"seq": task.seq, "folder": task.folder, "source": task.source, "digest": task.digest,
              "name": "", "year": None, "format": None, "files": dict(kept), "numbers": None, "skipped": False}
    try:
        report = _read(task)
    except InputError as exc:
        where, message = getattr(exc, "where", task.source), getattr(exc, "message", str(exc))
        message = message.removeprefix(f"{task.source}：")
        return _finish(record, UNREADABLE, [Finding("读取", ERROR, where, message)], folder, old)
    except Exception as exc:  # noqa: BLE001 - one broken agency never stops the batch
        message = f"读取时出现意外问题（{type(exc).__name__}：{exc}），请检查这一单位的数据。"
        return _finish(record, UNREADABLE, [Finding("读取", ERROR, task.source, message)], folder, old)
    record.update(name=report.agency.name, parent=report.agency.parent, year=report.year, format=report.format.key,
                  numbers={p: _plain(v) for p, v in report.numbers.items()})
    findings, stage = [], "校验"
    try:
        findings = check(report) + _cross_year(report)
        status = ERRORS if has_errors(findings) else WARNINGS if findings else OK
        if status != ERRORS or _options.ignore_errors:
            stage = "输出"
            findings += _write_outputs(report, targets, folder, old, record)
    except Exception as exc:  # noqa: BLE001 - a bug or a full disk must not stop the other agencies
        findings.append(Finding(stage, ERROR, task.folder,
                                f"{stage}时出现意外问题（{type(exc).__name__}：{exc}），这一单位未完成，请检查后重新运行。"))
        record["retry"] = True  # not finished: a re-run tries again
    status = ERRORS if has_errors(findings) else WARNINGS if findings else OK
    return _finish(record, status, findings, folder, old)


def not_processed(task: Task, exc: BaseException) -> dict:
    """The record of an agency whose worker process died; nothing is recorded in its folder, so a re-run redoes it."""
    message = (f"处理这个单位时工作进程意外退出（{type(exc).__name__}），可能是内存不足。"
               "已完成的单位不受影响；请重新运行同一命令，会从这里继续。")
    return {"seq": task.seq, "folder": task.folder, "source": task.source, "digest": task.digest, "name": "",
            "year": None, "format": None, "files": {}, "numbers": None, "skipped": False, "status": ERRORS,
            "findings": [Finding("处理", ERROR, task.source, message).as_dict()]}


def _read(task: Task) -> Report:
    if task.row is not None:
        from ..inputs.roster import report_from_row
        return report_from_row(_options.layout, task.row, task.payload)
    from ..inputs import FORM_SUFFIXES, load_report
    from ..inputs.roster import is_roster

    path = Path(task.payload)
    if path.suffix.lower() in FORM_SUFFIXES and is_roster(path):
        raise InputError("这是汇总填报表，不能和各单位的填报表放在同一个文件夹中处理；"
                         f"请单独运行 nianbao batch {path.name} -o 输出目录。")
    return load_report(path)


def _cross_year(report: Report) -> list[Finding]:
    """X-1/X-2 (and T-2) against last year's data with the same agency name, when given."""
    global _previous
    if not _options.previous_db:
        return []
    if _previous is None:
        _previous = sqlite3.connect(f"{Path(_options.previous_db).as_uri()}?mode=ro", uri=True)
    row = _previous.execute("SELECT data FROM previous WHERE name = ?", (report.agency.name,)).fetchone()
    if row is None:
        return [Finding("X-1", "W", "跨年度核对", f"上年数据中没有名为「{report.agency.name}」的单位，未做跨年度核对"
                        "（X-1、X-2）。请核对机关名称是否与上年一致。", operands={"机关名称": report.agency.name})]
    from ..inputs.datafile import report_from_dict
    try:
        return cross_year(report, report_from_dict(json.loads(row[0]), source="上年数据"))
    except Exception:  # noqa: BLE001 - an unreadable number (None) on either side: nothing to compare
        return [Finding("X-1", "W", "跨年度核对", "本年或上年数据中有无法识别的数字，未做跨年度核对（X-1、X-2），"
                        "请先改正数字错误。")]


def _write_outputs(report: Report, targets, folder: Path, old: dict | None, record: dict) -> list[Finding]:
    """Render the targets and place them; refuse to replace a file the tool did not write."""
    from ..render import render

    outputs = {f"{file_stem(report)}.{t}": render(report, t) for t in targets}
    known = (old or {}).get("known", {})
    findings, allowed = [], {}
    for name, data in outputs.items():
        target, digest = folder / name, _sha(data)
        if target.exists() and not _options.force:
            current = _sha(target.read_bytes())
            if current != digest and current not in known.get(name, ()):
                findings.append(Finding("输出", ERROR, str(target),
                                        "文件已存在且不是本工具生成的（或生成后被修改过），为避免覆盖，未写入；"
                                        "如确需覆盖，请加 --force。"))
                continue
        allowed[name] = (data, digest)
    # Record the files about to be written first, so an interrupted run still knows they are its own.
    pending = {n: sorted({*known.get(n, ()), d}) for n, (_, d) in allowed.items()}
    _write_record(folder, {**(old or {}), "finished": False, "known": {**known, **pending}})
    for name, (data, digest) in allowed.items():
        write_atomic(folder / name, data, force=True)
        record["files"][name] = digest
    record["known"] = {**known, **{n: [d] for n, (_, d) in allowed.items()}}
    return findings


def _finish(record: dict, status: str, findings: list[Finding], folder: Path, old: dict | None) -> dict:
    record.update(status=status, findings=[f.as_dict() for f in findings], finished=True)
    record.setdefault("known", (old or {}).get("known", {}))
    _write_record(folder, record)
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
    data = json.dumps({k: v for k, v in record.items() if k not in ("seq", "skipped")}, ensure_ascii=False)
    write_atomic(folder / RECORD, data, force=True, durable=False)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plain(value):
    """Numbers as JSON: Decimal amounts as text (exact), None for unreadable cells."""
    return str(value) if isinstance(value, Decimal) else value
