"""Several inputs' PDFs made in worker processes (``generator/app/render_pool.py``): the same files, messages,
exit codes and interruptions as the sequential run.

Every run is the real command in a subprocess; a few lines of Python put before it (``PARALLEL``,
``SEQUENTIAL``, a failing renderer) choose the path or break a worker, and ``POOL_LOG`` records whether the
workers were started, so no test passes by quietly taking the other path.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import BROKEN, BUSY, EXAMPLES, MEIYANG, YINGLIN
from helpers import ROOT, Run

from generator.app import render_pool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="并行生成 PDF 只在 Linux 上启用")

INPUTS = [MEIYANG, YINGLIN, BROKEN, BUSY]  # the third has errors: refused, or a draft with --ignore-errors
PRELUDE = """
import os, sys
sys.path.insert(0, {root!r})
from generator.app import render_pool
from generator.render import pdf
real_pool = render_pool.PdfPool.__init__
def recorded(self, workers):
    with open(os.environ["POOL_LOG"], "a") as log:
        log.write(f"{{workers}}\\n")
    real_pool(self, workers)
render_pool.PdfPool.__init__ = recorded
{patch}
from generator.app.cli import main
sys.exit(main(sys.argv[1:]))
"""
PARALLEL = "render_pool.cores = lambda: 2"  # two workers, whatever this machine has
SEQUENTIAL = "render_pool.cores = lambda: 1"
FAILING = """
real = pdf.report_page_pdf
def failing(page):
    if "白沙乡" in page:
        {what}
    return real(page)
pdf.report_page_pdf = failing
"""
RAISES = FAILING.format(what='raise RuntimeError("排版失败")')
DIES = FAILING.format(what="os.kill(os.getpid(), 9)")


def command(patch: str, *args, log: Path) -> list[str]:
    code = PRELUDE.format(root=str(ROOT), patch=f"{PARALLEL}\n{patch}")
    return [sys.executable, "-c", code, *map(str, args)]


def nianbao(patch: str, *args, log: Path) -> Run:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "POOL_LOG": str(log)}
    proc = subprocess.run(
        command(patch, *args, log=log), capture_output=True, stdin=subprocess.DEVNULL, env=env, timeout=300
    )
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def workers(log: Path) -> int:
    """The workers the run started (0: it stayed sequential)."""
    return int(log.read_text()) if log.exists() else 0


def outcome(tmp_path: Path, patch: str, *args, before=None) -> tuple:
    """Exit code, stdout, stderr (the output folder's path as OUT) and the files written, of one run."""
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    if before:
        before(out)
    log = tmp_path / f"pool-{len(list(tmp_path.glob('pool-*')))}.log"
    result = nianbao(patch, "render", *args, "-o", out, log=log)
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())} if out.is_dir() else {}
    assert "Traceback" not in result.err
    return (result.code, result.out.replace(str(out), "OUT"), result.err.replace(str(out), "OUT"), files), log


def both(tmp_path: Path, *args, before=None) -> tuple:
    """The parallel run's outcome, checked equal to the sequential run's, and checked to have used workers."""
    parallel, log = outcome(tmp_path, "", *args, before=before)
    sequential, sequential_log = outcome(tmp_path, SEQUENTIAL, *args, before=before)
    assert (workers(log), workers(sequential_log)) == (2, 0)
    assert parallel[:3] == sequential[:3]  # exit code, every message in the same order
    assert parallel[3].keys() == sequential[3].keys()
    for name, data in parallel[3].items():
        assert data == sequential[3][name], f"{name} differs from the sequential run's"
    return parallel


def test_drafts_of_four_inputs_are_the_sequential_runs_bytes_and_messages(tmp_path):
    code, out, err, files = both(tmp_path, *INPUTS, "--to", "pdf,html", "--ignore-errors")
    assert code == 0 and err == ""
    assert len([name for name in files if name.endswith(".pdf")]) == 4 and "（草稿）.pdf" in "".join(files)
    said = re.findall(r"已生成：OUT/(\S+)", out)
    stems = ["嵋阳镇人民政府2021", "英林镇人民政府2020", "白沙乡人民政府2022", "青石街道办事处2025"]
    assert [name[:11] + name.rsplit(".", 1)[1] for name in said] == [s + x for s in stems for x in ("pdf", "html")]
    second, third = out.index("英林镇人民政府2020年政府信息公开工作年度报告.html"), out.index("已生成：OUT/白沙乡")
    assert second < out.index("共发现") < third  # the third input's findings: after the second's files, before its own


def test_an_input_with_errors_is_refused_in_its_turn(tmp_path):
    code, out, _, files = both(tmp_path, *INPUTS, "--to", "pdf")
    assert code == 1 and len(files) == 3
    lines = [line for line in out.splitlines() if "已生成" in line or "未生成报告" in line]
    assert ["未生成报告" in line for line in lines] == [False, False, True, False]


def test_an_existing_output_stops_the_run_at_its_input_after_the_earlier_ones_are_written(tmp_path):
    def existing(out: Path) -> None:
        out.mkdir()
        (out / "白沙乡人民政府2022年政府信息公开工作年度报告（草稿）.pdf").write_bytes(b"kept")

    code, out, err, files = both(tmp_path, *INPUTS, "--to", "pdf", "--ignore-errors", before=existing)
    assert code == 1 and "文件已存在" in err
    assert files.pop("白沙乡人民政府2022年政府信息公开工作年度报告（草稿）.pdf") == b"kept"
    assert sorted(files) == ["嵋阳镇人民政府2021年政府信息公开工作年度报告.pdf", "英林镇人民政府2020年政府信息公开工作年度报告.pdf"]
    assert "青石街道" not in out


def test_a_second_input_with_the_same_report_is_refused_as_by_the_sequential_run(tmp_path):
    again = tmp_path / "嵋阳镇-副本.yaml"
    shutil.copy(MEIYANG, again)
    code, _, err, files = both(tmp_path, MEIYANG, YINGLIN, again, BUSY, "--to", "pdf")
    assert code == 1 and "文件已存在" in err and len(files) == 2


def test_an_unreadable_input_in_the_middle_stops_the_run_there(tmp_path):
    unreadable = tmp_path / "坏文件-2024.yaml"
    unreadable.write_text("单位: [未闭合\n", encoding="utf-8")
    code, out, err, files = both(tmp_path, MEIYANG, YINGLIN, unreadable, BUSY, "--to", "pdf")
    assert code == 2 and "无法读取" in err and "坏文件-2024.yaml" in err
    assert len(files) == 2 and "青石街道" not in out


@pytest.mark.parametrize(
    "patch,said,finished",
    [(RAISES, "生成 PDF 时出错（RuntimeError：排版失败）", 2), (DIES, "生成 PDF 的工作进程意外结束", None)],
    ids=["raises", "dies"],
)
def test_a_failing_worker_stops_the_run_at_its_input_with_a_message(tmp_path, patch, said, finished):
    (code, _, err, files), log = outcome(tmp_path, patch, *INPUTS, "--to", "pdf", "--ignore-errors")
    assert workers(log) == 2
    assert code == 2 and said in err and "这个输入的文件都没有写入" in err
    done = re.search(r"已完成：(.*)。", err)
    finished_inputs = done.group(1).split("、") if done else []
    if finished is not None:  # a raising worker loses its own PDF only
        assert finished_inputs == [str(MEIYANG), str(YINGLIN)]
    # A dead worker breaks the pool: whatever was in flight is lost with it (said, never silently missing).
    assert len(files) == len(finished_inputs) and "白沙乡" not in "".join(files)
    assert "未完成：" in err and "nianbao render" in err and str(BROKEN) in err.split("未完成：")[1]


def test_one_core_one_pdf_or_no_pdf_stays_sequential(tmp_path):
    (code, *_), log = outcome(tmp_path, SEQUENTIAL, MEIYANG, YINGLIN, "--to", "pdf")
    assert code == 0 and workers(log) == 0
    (code, *_, files), log = outcome(tmp_path, "", MEIYANG, "--to", "pdf,docx")
    assert code == 0 and workers(log) == 0 and len(files) == 2
    (code, *_, files), log = outcome(tmp_path, "", MEIYANG, YINGLIN, "--to", "docx,html")
    assert code == 0 and workers(log) == 0 and len(files) == 4


def test_a_running_thread_keeps_the_run_sequential(tmp_path):
    thread = "import threading; threading.Thread(target=threading.Event().wait, daemon=True).start()"
    (code, *_, files), log = outcome(tmp_path, thread, MEIYANG, YINGLIN, "--to", "pdf")
    assert code == 0 and workers(log) == 0 and len(files) == 2


@pytest.mark.parametrize(
    "count,cores,platform,expected",
    [(4, 2, "linux", 2), (3, 8, "linux", 3), (1, 8, "linux", 0), (4, 1, "linux", 0), (4, 8, "win32", 0),
     (4, 8, "darwin", 0)],
)
def test_worker_count(monkeypatch, count, cores, platform, expected):
    monkeypatch.setattr(render_pool, "cores", lambda: cores)
    monkeypatch.setattr(render_pool.sys, "platform", platform)
    assert render_pool.worker_count(count) == expected


def test_cores_is_this_process_s_affinity():
    assert 1 <= render_pool.cores() <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity") and not hasattr(os, "process_cpu_count"):
        assert render_pool.cores() == len(os.sched_getaffinity(0))


def test_a_fork_is_unsafe_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not render_pool.fork_is_safe()
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize(
    "signum,code,said,group",
    [(signal.SIGINT, 130, "已中断（Ctrl+C）", True), (signal.SIGTERM, 143, "SIGTERM", False)],
    ids=["Ctrl-C to the terminal's process group", "SIGTERM to nianbao"],
)
def test_an_interrupted_parallel_run_ends_its_workers_and_says_how_to_go_on(tmp_path, signum, code, said, group):
    folder = tmp_path / "in"
    folder.mkdir()
    names = [shutil.copy(EXAMPLES / example.name, folder / f"{n:02d}-{example.name}") for n, example in
             enumerate(INPUTS * 4)]
    out, log = tmp_path / "out", tmp_path / "pool.log"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "POOL_LOG": str(log)}
    args = ["render", *names, "-o", out, "--to", "pdf", "--ignore-errors", "--force"]
    proc = subprocess.Popen(command("", *args, log=log), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not (out.is_dir() and any(out.glob("*.pdf"))):
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted: give it more inputs"
    sent = time.monotonic()
    if group:
        os.killpg(proc.pid, signum)  # as a terminal does: nianbao and its workers get it
    else:
        proc.send_signal(signum)
    try:
        _, err_bytes = proc.communicate(timeout=30)
    finally:
        proc.kill()
    err = err_bytes.decode()
    assert (proc.returncode, time.monotonic() - sent < 5) == (code, True), err
    assert workers(log) == 2
    assert said in err and "Traceback" not in err and "已完成：" in err and "未完成：" in err
    assert "继续生成未完成的部分，请运行：" in err and "nianbao render" in err
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert all(p.read_bytes().rstrip().endswith(b"%%EOF") for p in out.glob("*.pdf"))
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker left behind in the group
        os.killpg(proc.pid, 0)


def test_workers_end_with_a_main_process_killed_outright(tmp_path):
    out, log = tmp_path / "out", tmp_path / "pool.log"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "POOL_LOG": str(log)}
    args = ["render", *INPUTS * 2, "-o", out, "--to", "pdf", "--ignore-errors", "--force"]
    proc = subprocess.Popen(command("", *args, log=log), env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and workers(log) == 0:
            time.sleep(0.05)
        assert proc.poll() is None and workers(log) == 2
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(proc.pid):
            time.sleep(0.1)
        assert not _alive(proc.pid), "a worker outlived the main process"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
