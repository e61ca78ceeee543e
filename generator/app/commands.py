"""What each CLI command does: read inputs, check, write outputs, report in Chinese."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..checks import check, cross_year
from ..errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, InputError, NianbaoError, OutputExists
from ..findings import Finding, has_errors, summary
from ..inputs import load_report
from ..outputs import write_atomic
from ..prose import file_stem
from ..report import Report


def run(args) -> int:
    """Run one parsed command; every error it raises for the user becomes its message and exit code."""
    from . import batch, form, wizard

    handler = {"check": cmd_check, "render": cmd_render, "schema": cmd_schema, "convert": cmd_convert,
               "import": cmd_import, "form": form.cmd_form, "wizard": wizard.cmd_wizard,
               "batch": batch.cmd_batch, "doctor": cmd_doctor}[args.command]
    try:
        return handler(args)
    except InputError as exc:
        print(f"无法读取：{exc}", file=sys.stderr)
        return exc.exit_code
    except NianbaoError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code


def findings_for(report: Report, previous_path: str | None = None, deadline=(1, 31)) -> list[Finding]:
    findings = check(report, deadline)
    if previous_path:
        findings += cross_year(report, load_report(previous_path))
    return findings


def print_findings(findings: list[Finding], stream=None) -> None:
    stream = stream or sys.stdout
    for finding in findings:
        print("  " + finding.text(), file=stream)
    print(summary(findings), file=stream)


def cmd_check(args) -> int:
    results, worst = [], EXIT_OK
    for name in args.inputs:
        try:
            report = load_report(name)
        except InputError as exc:
            results.append({"file": name, "readable": False, "message": str(exc), "findings": []})
            print(f"{name}\n  无法读取：{exc}", file=sys.stderr)
            worst = EXIT_INPUT
            continue
        findings = findings_for(report, args.previous, args.deadline)
        results.append({"file": name, "readable": True, "findings": [f.as_dict() for f in findings]})
        if has_errors(findings):
            worst = max(worst, EXIT_FINDINGS)
        if not args.json:
            print(f"{name}（{report.agency.name} {report.year}年度，{report.format.name}）")
            print_findings(findings)
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2))
    return worst


def cmd_render(args) -> int:
    from ..render.pdf import PdfUnavailable

    worst, pdf_missing = EXIT_OK, None
    for name in args.inputs:
        report = load_report(name)
        findings = findings_for(report, args.previous)
        if findings:
            print(f"{name}：")
            print_findings(findings)
        if has_errors(findings) and not args.ignore_errors:
            print(f"{name}：数据有错误，未生成报告。请按上面的提示修改；如确需先生成草稿，请加 --ignore-errors。")
            worst = EXIT_FINDINGS
            continue
        for target in args.to:
            path = Path(args.output) / f"{file_stem(report)}.{target}"
            if path.exists() and not args.force:
                raise OutputExists(f"文件已存在：{path}。为避免覆盖，未写入；如确需覆盖，请加 --force。")
            if target == "pdf" and pdf_missing:
                continue
            try:
                data = _render_one(report, target, args.template)
            except PdfUnavailable as exc:  # the other formats are still written; the message comes once
                pdf_missing = exc
                continue
            write_atomic(path, data, force=True)
            print(f"已生成：{path}")
    if pdf_missing:
        print(pdf_missing, file=sys.stderr)
        return pdf_missing.exit_code
    return worst


def _render_one(report: Report, target: str, template: str | None) -> bytes:
    from ..render import render

    return render(report, target, Path(template) if template else None)


def cmd_schema(args) -> int:
    from ..formats import FORMATS
    from ..inputs.datafile import json_schema

    print(json.dumps(json_schema(FORMATS[args.format] if args.format else None), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_convert(args) -> int:
    from ..inputs.datafile import write_data_file

    report = load_report(args.input)
    out = Path(args.output)
    if out.suffix.lower() in (".yaml", ".yml", ".json"):
        write_data_file(report, out, args.force)
    elif out.suffix.lower() == ".xlsx":
        from ..inputs.excel import write_form
        write_form(out, report.format, report=report, force=args.force)
    else:
        raise InputError(f"输出文件 {out.name} 的类型不支持，请用 .yaml、.json 或 .xlsx。")
    for finding in report.read_findings:
        print("  " + finding.text())
    print(f"已生成：{out}")
    return EXIT_FINDINGS if has_errors(list(report.read_findings)) else EXIT_OK


def cmd_import(args) -> int:
    from ..inputs.datafile import write_data_file
    from ..inputs.importer import import_report

    report = import_report(Path(args.input))
    out = Path(args.output or Path(args.input).with_suffix(".yaml"))
    write_data_file(report, out, args.force)
    findings = check(report)
    print_findings(findings)
    print(f"已生成：{out}")
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def cmd_doctor(args) -> int:
    from .doctor import run_doctor

    return run_doctor(args)
