"""``UnitRecord``: what a batch knows of one submission (a roster row or a file), typed and versioned.

A worker makes one per task; it is stored twice: in the run's spool (read by settle and publish) and
beside the unit's reports as ``.nianbao.json`` (read by the next run to skip finished work). Both
stores go through ``to_json``/``from_json``; a record of another version or shape reads as ``None``
(the caller says so and redoes the unit), never as a traceback.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

RECORD_VERSION = 2  # 1: the untyped dict of earlier versions (no "version" field)

# What reading and checking found (``status``); settle turns these into a unit's filing status.
OK, WARNINGS, ERRORS, UNREADABLE, INTERNAL = "通过", "有提醒", "有错误", "无法读取", "处理出错"
REPORT, ROLLUP, SET_ASIDE = "report", "rollup", "set-aside"  # ``kind``: a unit's report, a lower level's roll-up,
# or a file of the folder that is no submission (its ``findings`` say why)

Number = int | str | None  # JSON form of a cell: int, a Decimal amount as text, None for an unread cell


@dataclass(frozen=True)
class UnitRecord:
    """One submission: where it came from, what was read, what was found, which files were written."""

    seq: int
    folder: str  # the unit's output folder (safe, unique within the run)
    source: str  # where the data is, for people: 「第 7 行」 or a file path relative to the input folder
    digest: str  # hash of the input and the settings that shape the output
    code: str = ""  # unit code (roster column, or from the expected list)
    contact: str = ""
    kind: str = REPORT
    imported: bool = False  # read from a published report (.docx/.html/.pdf/.txt) by the importer
    status: str = ""  # OK / WARNINGS / ERRORS / UNREADABLE / INTERNAL
    findings: tuple[dict[str, Any], ...] = ()  # Finding.as_dict() of each finding
    name: str = ""
    parent: str = ""
    level: str = ""
    year: int | None = None
    format: str | None = None
    numbers: dict[str, Number] | None = None
    prose: dict[str, str] = field(default_factory=dict)
    publication_date: str | None = None  # ISO date
    phone: str = ""
    office: str = ""
    fees_amount: Number = None
    content: str = ""  # hash of the data: equal for identical submissions
    previous: dict[str, Any] | None = None  # last year's match: {"id", "name", "by"}
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256 of what was written
    targets: dict[str, str] = field(default_factory=dict)  # target -> file name ("" when there is none to make)
    known: dict[str, list[str]] = field(default_factory=dict)  # file name -> every hash this tool wrote there
    written: tuple[str, ...] = ()  # files written by this run (not stored in the unit's folder)
    skipped: bool = False  # finished by an earlier run and unchanged (not stored in the unit's folder)
    finished: bool = False
    retry: bool = False  # not finished: the next run redoes it
    disk_full: bool = False
    notes: tuple[str, ...] = ()  # about the run, not the data (e.g. an old record ignored)
    last_status: str = ""  # the status of the previous run (from its record), for 「本次变化」
    last_content: str = ""  # the data hash of the previous run: equal when only the settings changed

    @property
    def errors(self) -> int:
        return sum(f["severity"] == "E" for f in self.findings)

    @property
    def accepted(self) -> bool:
        return self.status in (OK, WARNINGS)

    @property
    def readable(self) -> bool:
        """Its numbers were read (with or without errors): a draft roll-up can hold it."""
        return self.numbers is not None and self.status in (OK, WARNINGS, ERRORS)

    def evolve(self, **changes: Any) -> UnitRecord:
        return replace(self, **changes)

    def to_json(self, *, stored: bool = False) -> str:
        """JSON with a version field; ``stored`` leaves out what only this run means (seq, skipped, written)."""
        data = asdict(self)
        if stored:
            for key in ("seq", "skipped", "written"):
                del data[key]
        return json.dumps({"version": RECORD_VERSION, **data}, ensure_ascii=False)


_FIELDS = {f.name for f in fields(UnitRecord)}
_TUPLES = ("findings", "written", "notes")


def from_json(text: str | bytes, **defaults: Any) -> UnitRecord | None:
    """The record in ``text``, or None when it is not a record of this version (old, foreign or damaged)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.pop("version", None) != RECORD_VERSION or set(data) - _FIELDS:
        return None
    data = {**defaults, **data}
    try:
        values: dict[str, Any] = {k: tuple(v) if k in _TUPLES else v for k, v in data.items()}
        return UnitRecord(**values)
    except TypeError:
        return None
