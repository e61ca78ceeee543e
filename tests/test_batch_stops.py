"""A batch that cannot go on (issue 10 for the batch path): a full disk, Ctrl-C. It stops cleanly, leaves
nothing half-written and no temporary files, says in Chinese what was finished, and the next run finishes
the rest without skipping anything wrongly."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers import make_roster_module, run_cli
from openpyxl import load_workbook

from generator.app.cli import main
from generator.formats import FORMAT_2021
from generator.inputs.roster import write_roster

ROOT = Path(__file__).resolve().parent.parent
_module = make_roster_module()


def roster_of(path: Path, count: int) -> Path:
    rng = random.Random(5)
    write_roster(path, FORMAT_2021, force=True, reports=[_module.synthetic_report(i, 2025, rng) for i in range(count)])
    return path


def leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".nianbao-run")]


def assert_outputs_whole(out: Path) -> None:
    """Every report on disk is complete: DOCX a readable zip, HTML to its closing tag."""
    for docx in out.glob("*/*.docx"):
        assert zipfile.ZipFile(docx).testzip() is None, docx
    for html in out.glob("*/*.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith(("</html>", "</article>")), html


def statuses(out: Path) -> dict[str, str]:
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rows = {r[9]: (r[3], r[12]) for r in book["各单位"].iter_rows(min_row=2, values_only=True)}
    book.close()
    return rows


def test_full_disk_stops_cleanly_and_the_next_run_finishes(tmp_path, monkeypatch, capsys):
    from generator.batch import work as worker

    roster, out = roster_of(tmp_path / "汇总表.xlsx", 8), tmp_path / "out"
    real, calls = worker.write_atomic, []

    def filling_up(path, data, **kw):
        calls.append(path)
        if len(calls) > 10:  # the disk fills up in the fourth agency
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, **kw)

    monkeypatch.setattr(worker, "write_atomic", filling_up)
    assert main(["batch", str(roster), "-o", str(out), "-j", "1"]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间已满" in err and "重新运行同一命令" in err and "本次已处理完" in err and "Traceback" not in err
    assert leftovers(out) == [] and not (out / "校验结果.xlsx").exists()
    assert_outputs_whole(out)
    monkeypatch.setattr(worker, "write_atomic", real)
    assert main(["batch", str(roster), "-o", str(out), "-j", "1"]) == 0
    done = statuses(out)
    assert len(done) == 8 and {s for s, _ in done.values()} == {"已提交且通过"}
    assert [p for s, p in done.values()].count("已完成，跳过") >= 2  # what was finished is not redone
    assert len(list(out.glob("*/*.docx"))) == 8 and leftovers(out) == []


@pytest.fixture
def small_disk(tmp_path):
    """A real 700 kB tmpfs (root only): ENOSPC from the kernel, for the worker processes too."""
    mount = tmp_path / "小磁盘"
    mount.mkdir()
    if getattr(os, "geteuid", lambda: -1)() != 0:
        pytest.skip("跳过：挂载 tmpfs 需要 root 权限（上面的模拟磁盘已满测试照常运行）")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if mounted.returncode:
        pytest.skip("跳过：本机不允许挂载 tmpfs（上面的模拟磁盘已满测试照常运行）")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


@pytest.mark.parametrize("jobs", [1, 2])
def test_full_real_disk_stops_cleanly(tmp_path, small_disk, jobs):
    roster, out = roster_of(tmp_path / "汇总表.xlsx", 12), small_disk / "输出"
    first = run_cli("batch", roster, "-o", out, "-j", jobs)
    assert first.code == 2, first.err
    assert "磁盘空间已满" in first.err and "Traceback" not in first.err
    assert leftovers(out) == []
    assert_outputs_whole(out)
    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
    second = run_cli("batch", roster, "-o", out, "-j", jobs)
    assert second.code == 0, second.err
    done = statuses(out)
    assert len(done) == 12 and {s for s, _ in done.values()} == {"已提交且通过"}
    assert len(list(out.glob("*/*.docx"))) == 12 and leftovers(out) == []


def test_ctrl_c_exits_130_saying_what_was_finished(tmp_path):
    roster, out = roster_of(tmp_path / "汇总表.xlsx", 40), tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "batch", str(roster), "-o", str(out), "-j", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and len(list(out.glob("*/.nianbao.json"))) < 5:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    err = err.decode("utf-8")
    assert proc.returncode == 130, err
    assert "已中断" in err and "本次已处理完" in err and "重新运行同一命令" in err and "Traceback" not in err
    assert leftovers(out) == []
    assert_outputs_whole(out)
    assert main(["batch", str(roster), "-o", str(out), "-j", "2"]) == 0
    done = statuses(out)
    assert len(done) == 40 and {s for s, _ in done.values()} == {"已提交且通过"}
    assert "已完成，跳过" in {p for _, p in done.values()} and len(list(out.glob("*/*.docx"))) == 40


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory):
    """3,000 rows: a batch that is still running when the signal comes."""
    return roster_of(tmp_path_factory.mktemp("big") / "汇总表.xlsx", 3000)


def _stopped(roster: Path, out: Path, *signals: int, gap: float = 0.3) -> tuple[int, str, float, int]:
    """Start a real batch in its own process group, send ``signals`` once 5 units are done; (code, stderr, s, pgid)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "batch", str(roster), "-o", str(out), "-j", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and len(list(out.glob("*/.nianbao.json"))) < 5:
        time.sleep(0.05)
    sent = time.monotonic()
    for n, signum in enumerate(signals):
        if n:
            time.sleep(gap)
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err.decode("utf-8", "replace"), time.monotonic() - sent, proc.pid


def _group_gone(pgid: int) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="跳过：SIGHUP、进程组只在 POSIX 系统上有")
@pytest.mark.parametrize(
    ("signals", "code", "said"),
    [
        ((signal.SIGINT, signal.SIGINT), 130, "Ctrl+C"),  # pressed twice, 0.3 s apart
        ((signal.SIGTERM,), 143, "SIGTERM"),
        ((signal.SIGHUP,), 129, "SIGHUP"),
    ],
)
def test_signals_stop_a_big_batch_quickly_and_cleanly(big_roster, tmp_path, signals, code, said):
    out = tmp_path / "out"
    returncode, err, seconds, pgid = _stopped(big_roster, out, *signals)
    assert returncode == code, err
    assert seconds < 5, seconds
    assert said in err and "本次已处理完" in err and "重新运行同一命令" in err
    assert "Traceback" not in err and "concurrent.futures" not in err and "Exception in thread" not in err, err
    assert _group_gone(pgid), "a worker was left alive"
    assert leftovers(out) == []
    assert_outputs_whole(out)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="跳过：本系统没有命名管道")
def test_expected_list_that_is_a_fifo_is_refused_before_opening(tmp_path):
    fifo = tmp_path / "名单.xlsx"
    os.mkfifo(fifo)
    roster = roster_of(tmp_path / "汇总表.xlsx", 2)
    result = run_cli("batch", roster, "-o", tmp_path / "out", "--expected", fifo, timeout=30)
    assert result.code == 2 and "不是普通文件" in result.err and "Traceback" not in result.err
