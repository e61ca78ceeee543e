"""Benchmark ``nianbao batch``: throughput for -j 1 / -j 2 per format, peak memory at 100 and 1,000 agencies.

    python bench/bench_batch.py [--sizes 100,1000] [--pdf-size 100] [--first 100000] [--workdir /tmp/nianbao-bench]

Every run writes what a county reviewer gets: reports, CMS fragments, 校验结果.xlsx, the roll-up with
its charts and 审核报告.html (status page and charts). ``--first N`` also measures how long a roster of
N rows takes to produce its first agency (the roster must stream, not be read whole first).

Each run is a fresh ``python -m generator batch`` in a new output folder (nothing skipped). Memory is
the peak of the summed RSS of the whole process tree (main + workers), sampled every 20 ms, and the
main process's own peak. After the largest DOCX+HTML run, the output is verified: every broken agency
is in 校验结果.xlsx with the right rule and cell, and every good agency's HTML tables hold its row's numbers.
Targets (issue #5, 2 cores): DOCX+HTML 1,000 in ≤ 60 s with -j 2; PDF ≥ 5/s with -j 2; -j1→-j2 ≥ 1.7×;
memory at 1,000 ≤ 1.2 × memory at 100. This script prints the figures; it does not assert them.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_roster import make_roster


def tree_sample(pid: int, cpu: dict[int, float]) -> int:
    """Summed resident memory (kB) of a process and all its descendants (Linux /proc); records each one's CPU s."""
    total, stack = 0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[p] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError, IndexError):
            continue
    return total


def run_batch(roster: Path, out: Path, targets: str, jobs: int) -> dict:
    """One batch run in a subprocess: wall time, exit code, peak tree and main RSS (MB)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "generator", "batch", str(roster), "-o", str(out), "--to", targets, "-j", str(jobs)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak, cpu = [0, 0], {}

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_sample(proc.pid, cpu))
            try:
                main = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{proc.pid}/status").read_text()).group(1))
                peak[1] = max(peak[1], main)
            except (OSError, AttributeError):
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    elapsed = time.monotonic() - started
    sampler.join()
    return {"seconds": elapsed, "code": code, "tree_mb": peak[0] / 1024, "main_mb": peak[1] / 1024,
            "cpu": sum(cpu.values()), "main_cpu": cpu.get(proc.pid, 0.0)}


def _burn(_=None) -> float:
    started = time.perf_counter()
    x = 0
    for i in range(10_000_000):
        x += i
    return time.perf_counter() - started


def machine_parallelism() -> float:
    """How much faster two CPU-bound processes finish than one, right now (other load on the machine shows here)."""
    import multiprocessing

    one = _burn()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_burn, [0, 1])
    return 2 * one / (time.perf_counter() - started)


def roster_of(size: int, workdir: Path) -> Path:
    path = workdir / f"roster-{size}.xlsx"
    if not path.exists() or not Path(f"{path}.answers.json").exists():
        make_roster(size, path)
    return path


def verify(roster: Path, out: Path) -> tuple[int, int, list[str]]:
    """(broken found correctly, good agencies matching their row, problems)."""
    from openpyxl import load_workbook

    from generator.findings import has_errors
    from generator.inputs import InputError
    from generator.inputs.roster import iter_roster
    from generator.numbers import format_number
    from generator.outputs import safe_filename

    answers = json.loads(Path(f"{roster}.answers.json").read_text(encoding="utf-8"))
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    status = {r[9]: r[3] for r in book["各单位"].iter_rows(min_row=2, values_only=True)}
    findings: dict[str, list] = {}
    for r in book["问题明细"].iter_rows(min_row=2, values_only=True):
        findings.setdefault(r[2], []).append((r[3], r[5]))
    book.close()
    problems, broken_ok, good_ok = [], 0, 0
    broken_rows = {a["row"] for a in answers}
    for a in answers:
        source = f"第 {a['row']} 行"
        hit = any(rule == a["rule"] and a["where"] in where for rule, where in findings.get(source, []))
        if status.get(source) == "有错误" and hit:
            broken_ok += 1
        else:
            problems.append(f"{source}：应报 {a['rule']} @ {a['where']}，实际 {status.get(source)} {findings.get(source)}")
    for row, report in iter_roster(roster):
        if row in broken_rows or isinstance(report, InputError) or has_errors(report.read_findings):
            continue
        html = out / safe_filename(report.agency.name) / f"{safe_filename(report.agency.name + str(report.year) + '年政府信息公开工作年度报告')}.html"
        if not html.exists():
            problems.append(f"第 {row} 行：没有生成 {html.name}")
            continue
        cells = dict(re.findall(r'data-path="([^"]+)">([^<]*)<', html.read_text(encoding="utf-8")))
        wrong = [p for p in report.format.input_paths
                 if cells.get(p) != format_number(report.number(p), report.format.kind_of(p))]
        if wrong or status.get(f"第 {row} 行") != "已提交且通过":
            problems.append(f"第 {row} 行：表格与填报不一致 {wrong[:3]}，状态 {status.get(f'第 {row} 行')}")
        else:
            good_ok += 1
    return broken_ok, good_ok, problems


def time_to_first(roster: Path, out: Path) -> tuple[float, int]:
    """Seconds until the first agency's record is written (-j 2, HTML), and agencies done 3 s later; then stop.

    It is stopped with SIGTERM, which the batch treats as Ctrl-C (a process started in the background by
    a non-interactive shell ignores SIGINT).
    """
    import signal

    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "generator", "batch", str(roster), "-o", str(out), "--to", "html", "-j", "2"]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not any(out.glob("*/.nianbao.json")):
        time.sleep(0.02)
    first = time.monotonic() - started
    time.sleep(3)
    done = len(list(out.glob("*/.nianbao.json")))
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    return first, done


def report_outputs(roster: Path, out: Path, large: int) -> None:
    """Check the largest run's outputs and say what the reviewer got (status, 雷同 pairs, 考评 scores)."""
    from openpyxl import load_workbook

    broken_ok, good_ok, problems = verify(roster, out)
    answers = json.loads(Path(f"{roster}.answers.json").read_text(encoding="utf-8"))
    print(f"核对 {large} 个单位的输出：故意出错的 {broken_ok}/{len(answers)} 个在校验结果中且指出了正确的单元格；"
          f"正常单位 {good_ok}/{large - len(answers)} 个的表格与填报数据一致。")
    for line in problems[:20]:
        print("  问题：" + line)
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    pairs = sum(1 for _ in book["雷同"].iter_rows(min_row=2)) if "雷同" in book.sheetnames else 0
    scores = sum(1 for _ in book["考评"].iter_rows(min_row=2)) if "考评" in book.sheetnames else 0
    book.close()
    page = out / "审核报告.html"
    print(f"审核报告.html（{large} 个单位）：{page.stat().st_size / 1024:.0f} KB，"
          f"{page.read_text(encoding='utf-8').count('<svg')} 张图表；雷同 {pairs} 对；考评 {scores} 个单位有得分")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="roster sizes for DOCX/HTML runs and memory")
    parser.add_argument("--pdf-size", type=int, default=100, help="agencies in the PDF runs")
    parser.add_argument("--first", type=int, default=10000, help="roster rows for the time-to-first-agency run (0: skip)")
    parser.add_argument("--quick", action="store_true",
                        help="only the county run (DOCX+HTML, -j 2) at each size, then the time to first unit")
    parser.add_argument("--workdir", default="/tmp/nianbao-bench")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"CPU 核数 {os.cpu_count()}；每次运行都是全新的输出目录（不跳过任何单位）")
    print(f"开始时负载 {os.getloadavg()[0]:.1f}；两个纯计算进程此刻的并行加速比 {machine_parallelism():.2f}×"
          "（明显低于 2 说明机器上还有别的负载，下列加速比会偏低）")
    results = {}
    print(f"{'输出格式':<10}{'单位数':>6}{'-j':>4}{'用时(s)':>10}{'个/秒':>9}{'峰值内存(总/主进程 MB)':>26}{'退出码':>6}"
          "   CPU 秒/单位（全部进程 / 主进程）")
    plan = [(t, n, j) for n in sizes for t in ("docx,html", "docx", "html") for j in (1, 2)]
    plan += [("pdf", args.pdf_size, j) for j in (1, 2)]
    if args.quick:
        plan = [("docx,html", n, 2) for n in sizes]
    for targets, size, jobs in plan:
        r = run_batch(roster_of(size, workdir), workdir / f"out-{targets.replace(',', '+')}-{size}-j{jobs}", targets, jobs)
        results[(targets, size, jobs)] = r
        print(f"{targets:<10}{size:>6}{jobs:>4}{r['seconds']:>10.1f}{size / r['seconds']:>9.1f}"
              f"{r['tree_mb']:>16.0f} / {r['main_mb']:<7.0f}{r['code']:>6}   {1000 * r['cpu'] / size:.0f} ms / "
              f"{1000 * r['main_cpu'] / size:.1f} ms   负载 {os.getloadavg()[0]:.1f}", flush=True)
    print(f"结束时两个纯计算进程的并行加速比 {machine_parallelism():.2f}×")
    print()
    small, large = min(sizes), max(sizes)
    if args.quick:
        a, b = results[("docx,html", small, 2)], results[("docx,html", large, 2)]
        print(f"峰值内存 {large} / {small} 个单位（docx,html，-j 2）：总 {b['tree_mb'] / a['tree_mb']:.2f}×；"
              f"主进程 {b['main_mb'] / a['main_mb']:.2f}×")
        report_outputs(roster_of(large, workdir), workdir / f"out-docx+html-{large}-j2", large)
        if args.first:
            first, done = time_to_first(roster_of(args.first, workdir), workdir / "out-first")
            print(f"{args.first} 行的汇总填报表：{first:.1f} 秒后第一个单位完成，再过 3 秒共完成 {done} 个（随后停止）")
        return
    for targets, size in sorted({(t, n) for t, n, _ in plan}, key=lambda x: (x[1], x[0])):
        one, two = results[(targets, size, 1)], results[(targets, size, 2)]
        ideal = min(2 * one["cpu"] / two["cpu"], 2.0)  # two cores fully ours: CPU work shared by two processes
        print(f"-j1 → -j2 加速比（{targets}，{size} 个单位）：实测 {one['seconds'] / two['seconds']:.2f}×；"
              f"按 CPU 时间推算（机器空闲时）{ideal:.2f}×，即 -j 2 约 {size / (two['cpu'] / 2):.1f} 个/秒")
    for targets, jobs in [(t, j) for t in ("docx,html", "docx", "html") for j in (1, 2)]:
        a, b = results[(targets, small, jobs)], results[(targets, large, jobs)]
        print(f"峰值内存 {large} / {small} 个单位（{targets}，-j {jobs}）：总 {b['tree_mb']:.0f}/{a['tree_mb']:.0f} MB = "
              f"{b['tree_mb'] / a['tree_mb']:.2f}×；主进程 {b['main_mb']:.0f}/{a['main_mb']:.0f} MB = "
              f"{b['main_mb'] / a['main_mb']:.2f}×")
    report_outputs(roster_of(large, workdir), workdir / f"out-docx+html-{large}-j2", large)
    if args.first:
        first, done = time_to_first(roster_of(args.first, workdir), workdir / "out-first")
        print(f"{args.first} 行的汇总填报表：{first:.1f} 秒后第一个单位完成，再过 3 秒共完成 {done} 个（随后停止）")


if __name__ == "__main__":
    main()
