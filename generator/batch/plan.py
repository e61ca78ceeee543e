"""Plan: what a batch reads — a roster, a folder (every file in it classified), the list of expected units.

A roster yields one task per filled row; a folder one task per data file, form or published report
(found recursively). Every other file of the folder is set aside with the reason and what to do
(``SetAside``), so nothing in the folder goes unmentioned. Tasks are produced lazily: a roster of
10,000 rows streams.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..inputs import DATA_SUFFIXES, FORM_SUFFIXES, REPORT_SUFFIXES
from ..inputs.roster import UNIT_COLUMNS, RosterLayout, is_roster, open_roster
from ..limits import check_size
from .expected import Expected, cell_text
from .names import FolderNames, normalise_name

INPUT_SUFFIXES = (*DATA_SUFFIXES, *FORM_SUFFIXES, *REPORT_SUFFIXES)
SAVE_AS = {
    ".xls": "是旧版 Excel 文件，未读取：请用 Excel 或 WPS 打开，另存为 .xlsx 后放入文件夹",
    ".et": "是 WPS 表格文件，未读取：请用 WPS 打开，另存为 .xlsx 后放入文件夹",
    ".ett": "是 WPS 表格模板，未读取：请用 WPS 打开，另存为 .xlsx 后放入文件夹",
    ".doc": "是旧版 Word 文件，未读取：请用 Word 或 WPS 打开，另存为 .docx 后放入文件夹（会作为已发布的报告导入）",
    ".wps": "是 WPS 文字文件，未读取：请用 WPS 打开，另存为 .docx 后放入文件夹（会作为已发布的报告导入）",
    ".csv": "是 CSV 文件，未读取：CSV 不能标明各表格位置，请把数据填入填报表（.xlsx）或数据文件后放入文件夹",
    ".zip": "是压缩包，未读取：请解压后再放入文件夹",
    ".rar": "是压缩包，未读取：请解压后再放入文件夹",
    ".7z": "是压缩包，未读取：请解压后再放入文件夹",
    ".eml": "是电子邮件，未读取：请在邮件程序中把附件另存出来，再把附件放入文件夹",
    ".msg": "是 Outlook 邮件，未读取：请在 Outlook 中把附件另存出来，再把附件放入文件夹",
}
NOT_A_SUBMISSION = (
    "不是填报文件（可用：填报表 .xlsx、数据文件 .yaml/.json、已发布的年度报告 .docx/.html/.pdf/.txt），未读取"
)
NOT_A_FILE = "不是普通文件（是管道、设备，或指向不存在文件的链接、循环的链接），未读取：请放入文件本身"
OFFICE_LOCK = "是 Office/WPS 打开文件时留下的临时文件，未读取（请关闭正在编辑的文件）"
# What a batch writes into its output folder; found in an input folder, it is an earlier run's output, not a unit's
RECORD = ".nianbao.json"  # beside each unit's reports
BATCH_REPORT = "校验结果.xlsx"
REVIEW_PAGE = "审核报告.html"
FRAGMENT_SUFFIX = "（网站发布用片段）.htm"  # .htm: not counted with the report pages (*.html)
_ROLLUP_PAGE = re.compile(r"^汇总-\d{4}年度.*\.(?:html?|docx|pdf)$", re.I)
OUTPUT_FILE = "是 nianbao 批量处理输出的{}，不是填报文件，未读取（请不要把上次的输出放进输入文件夹）"
UNIT_OUTPUT = "是 nianbao 批量处理为一个单位生成的报告（同一文件夹中有 .nianbao.json），不是填报文件，未读取"
FOLDER_UNREADABLE = (
    "是无法打开的子文件夹（没有权限或已被移走），其中的文件都未读取：请检查权限或把文件复制出来后重新运行"
)
FOLDER_LINK = "是指向其他位置的文件夹快捷方式（链接），其中的文件未读取：请把文件复制到本文件夹后重新运行"


@dataclass(frozen=True)
class Task:
    """One submission to read: a roster row or a file."""

    seq: int
    folder: str  # the unit's output folder name (safe, unique within the run)
    source: str  # where the data is, for people: 「第 7 行」 or the file's path in the input folder
    row: int | None  # roster row number, or None for a file
    payload: tuple[Any, ...] | str  # the row's values, or the file path
    digest: str  # hash of the input and the settings that shape the output
    unit: tuple[str, str] = ("", "")  # (unit code, contact person) from the roster's optional columns

    @property
    def imported(self) -> bool:
        """A published report, read by the importer."""
        return isinstance(self.payload, str) and Path(self.payload).suffix.lower() in REPORT_SUFFIXES


@dataclass(frozen=True)
class SetAside:
    """A file of the input folder that is not read, and why."""

    source: str  # its path in the input folder
    reason: str  # 「是压缩包，未读取：请解压后再放入文件夹」


class RosterPlan:
    """Tasks from a roster workbook, one per filled row, read as they are needed."""

    set_aside: tuple[SetAside, ...] = ()

    def __init__(self, path: Path):
        self.path = path
        self.workbook, self.layout, self.rows, self.estimate = open_roster(path)
        self.name_index = self.layout.index_of("agency.name")
        self.unit_index = [self.layout.index_of(key) for key in UNIT_COLUMNS]
        self.phone_index = self.layout.index_of("agency.phone")
        self.parent_index = self.layout.index_of("agency.parent")
        self.expected: list[Expected] = []  # every named row: the roster is the list of units expected to file
        self.changed: dict[str, float] = {}  # rows have no modification time

    def __enter__(self) -> RosterPlan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.workbook.close()

    def tasks(self, settings: str) -> Iterator[Task]:
        """One task per filled row; a row with only the unit's name (and code, contact) is a unit yet to file."""
        names, seq, listed = FolderNames(), 0, set()
        own = {self.name_index, self.phone_index, self.parent_index, *self.unit_index}
        for number, cells in self.rows:
            values = tuple(cells)
            name = cell_text(values, self.name_index)
            code, contact = (cell_text(values, i) for i in self.unit_index)
            if name:
                phone, parent = cell_text(values, self.phone_index), cell_text(values, self.parent_index)
                if normalise_name(name) not in listed:  # a unit filed on two rows is one expected unit
                    listed.add(normalise_name(name))
                    self.expected.append(Expected(name, code, contact, phone, parent))
                if all(v is None or not str(v).strip() for i, v in enumerate(values) if i not in own):
                    continue  # nothing filed yet
            digest = input_hash(settings, json.dumps(values, default=str, ensure_ascii=False).encode())
            yield Task(
                seq, names.take(name or f"第{number}行"), f"第 {number} 行", number, values, digest, (code, contact)
            )
            seq += 1


class FolderPlan:
    """Tasks from the forms, data files and published reports of a folder (and its subfolders), or one file."""

    layout: RosterLayout | None = None
    expected: list[Expected] | None = None  # a folder does not say who should have filed (see --expected)

    def __init__(self, root: Path, files: list[Path], set_aside: tuple[SetAside, ...] = (), single: bool = False):
        self.root, self.files, self.set_aside, self.single = root, files, set_aside, single
        self.estimate = len(files)
        self.changed = {self.source(p): _modified(p) for p in files}

    @classmethod
    def of_folder(cls, path: Path, exclude: Path | None = None, own: dict[Path, str] | None = None) -> FolderPlan:
        """``own``: files of the run itself (the --expected list, the --scorecard sheet) -> why they are no unit."""
        found, set_aside = _walk(path, exclude)
        generated = {file.parent for file in found if file.name == RECORD}  # a unit's folder of an earlier run
        files = []
        for file in found:
            reason = (own or {}).get(_resolved(file)) or (UNIT_OUTPUT if file.parent in generated else "")
            reason = reason or (_why_not_read(file) if file.is_file() else NOT_A_FILE)  # a pipe, a broken link
            if reason:
                set_aside.append(SetAside(_relative(path, file), reason))
            else:
                files.append(file)
        if not files and not set_aside:
            raise InputError(f"文件夹 {path} 是空的：其中没有填报表（.xlsx）、数据文件（.yaml/.json）或年度报告。")
        return cls(path, files, tuple(sorted(set_aside, key=lambda item: item.source)))

    def source(self, path: Path) -> str:
        return _relative(self.root, path)

    def __enter__(self) -> FolderPlan:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def tasks(self, settings: str) -> Iterator[Task]:
        names = FolderNames()
        for seq, path in enumerate(self.files):
            yield Task(seq, names.take(path.stem), self.source(path), None, str(path), _file_digest(settings, path))


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0  # a broken link: the worker says why it cannot be read


def _file_digest(settings: str, path: Path) -> str:
    """The input hash of a file; a file that cannot be read (locked, no permission) still gets a task: the worker
    reads it, fails and records why, so one locked file never stops the batch."""
    try:
        return input_hash(settings, path.read_bytes())
    except OSError as exc:
        return input_hash(settings, f"\0unreadable\0{exc.errno}".encode())


def _walk(root: Path, exclude: Path | None) -> tuple[list[Path], list[SetAside]]:
    """Every file under ``root`` (sorted), and the subfolders that could not be listed or are links, set aside."""
    files: list[Path] = []
    set_aside: list[SetAside] = []

    def unreadable(exc: OSError) -> None:
        if exc.filename and Path(exc.filename) != root:
            set_aside.append(SetAside(_relative(root, Path(exc.filename)) + "/", FOLDER_UNREADABLE))
        else:
            raise InputError(f"无法打开文件夹 {root}（没有权限或已被移走），请检查后再试。")

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        if exclude is not None and here.resolve().is_relative_to(exclude):
            subfolders[:] = []
            continue  # our own output, placed inside the input folder
        for sub in subfolders:
            if (here / sub).is_symlink():
                set_aside.append(SetAside(_relative(root, here / sub) + "/", FOLDER_LINK))
        files += (here / n for n in names if not (here / n).is_dir())
    return sorted(files), set_aside


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link looping onto itself
        return path


def _relative(root: Path, path: Path) -> str:
    return path.name if root == path else path.relative_to(root).as_posix()


def _why_not_read(path: Path) -> str:
    """Why a file of the input folder is not a submission ("" when it is one)."""
    if path.name.startswith("~$"):
        return OFFICE_LOCK
    output = {BATCH_REPORT: "校验结果", REVIEW_PAGE: "审核报告"}.get(path.name, "")
    if path.name.endswith(FRAGMENT_SUFFIX):
        output = "网站发布用片段"
    elif _ROLLUP_PAGE.match(path.name):
        output = "汇总报告（下级的汇总请用同名的 .xlsx 汇总表，会作为下级汇总读取）"
    if output:
        return OUTPUT_FILE.format(output)
    suffix = path.suffix.lower()
    if suffix in INPUT_SUFFIXES and not path.name.startswith("."):
        return ""
    return SAVE_AS.get(suffix, NOT_A_SUBMISSION)


def plan_input(
    source: Path, exclude: Path | None = None, own: dict[Path, str] | None = None
) -> RosterPlan | FolderPlan:
    """A roster (by its sheet) or a folder; a single form, data file or report is a folder of one."""
    if not source.exists():
        raise InputError(f"找不到 {source}。请给出汇总填报表（.xlsx）或存放各单位填报表、数据文件的文件夹。")
    if source.is_dir():
        return FolderPlan.of_folder(source, exclude, own)
    check_size(source, "输入文件")  # a pipe or a device would block the reading
    if source.suffix.lower() in FORM_SUFFIXES and is_roster(source):
        return RosterPlan(source)
    if source.suffix.lower() in INPUT_SUFFIXES:
        return FolderPlan(source, [source], single=True)
    reason = SAVE_AS.get(source.suffix.lower(), "不是汇总填报表，也不是文件夹，未读取")
    raise InputError(f"{source.name}：{reason}。请给出汇总填报表（.xlsx）或文件夹。")


def input_hash(settings: str, data: bytes) -> str:
    return hashlib.sha256(settings.encode() + b"\0" + data).hexdigest()


def digest_of(path: Path) -> str:
    """A cheap fingerprint of last year's data (file bytes, or names, sizes and times in a folder)."""
    if path.is_dir():
        parts = [f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(path.rglob("*")) if p.is_file()]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
