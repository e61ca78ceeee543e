"""``nianbao doctor`` (环境检查): can this computer check reports and write DOCX, HTML and PDF?

Each check returns a ``Result``; ``print_results`` shows them, one line each with ✓ / ！ / ✗ and what
to do. Only ✗ (a *required* check failed) makes the exit code 1: reading and checking data, writing
DOCX and HTML, and writing into the output folder. PDF needs WeasyPrint's native libraries; without
them it is a ！ line with the install step, unless ``--pdf`` makes it required.
For each official font the report names, the font a PDF really embeds is read back from a rendered
PDF (the truth) and looked up with fontconfig (its file and every name it goes by), so a free
stand-in such as FandolFang for 仿宋_GB2312 is told apart from the real font.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__

OK, WARN, FAIL = "ok", "warn", "fail"
MARKS = {OK: "✓", WARN: "！", FAIL: "✗"}
PLAIN_MARKS = {OK: "√", WARN: "！", FAIL: "×"}  # for consoles whose code page (GBK) lacks ✓ and ✗
SAMPLE = "政府信息公开工作年度报告"
LATIN = "Times New Roman"
LATIN_SAMPLE = "2025 Report"
LATIN_FACE = "Latin Serif"  # the @font-face of report.css for Latin letters and digits
FREE_FONTS = ("Fandol", "Noto ", "Source Han")  # the free stand-ins scripts/setup.sh installs, and their kin
LIBREOFFICE_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
OS_ERRORS = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EEXIST: "同名的文件已存在，不是文件夹",
}
PDF = "PDF 输出"


@dataclass(frozen=True)
class Result:
    label: str
    status: str
    detail: str
    fix: str = ""  # what to do (shown when not OK), or a note


@dataclass(frozen=True)
class EmbeddedFont:
    """A font as a rendered PDF embeds it: its family name and whether it has the sample's glyphs."""

    family: str
    has_glyphs: bool | None  # None: could not be read


@dataclass(frozen=True)
class FontMatch:
    """What fontconfig resolves a family name to: every name of that font, and its file."""

    families: tuple[str, ...]
    file: str


def run_doctor(args) -> int:
    """Entry point from generator.commands."""
    results = diagnose(Path(args.output), require_pdf=args.pdf)
    print_results(results)
    return 1 if any(r.status == FAIL for r in results) else 0


def diagnose(output: Path, require_pdf: bool = False) -> list[Result]:
    results = [about_nianbao(), about_python(), about_system(), basic_outputs()]
    pdf, embedded = pdf_output(require_pdf)
    results.append(pdf)
    results += [font_result(name, embedded.get(name)) for name in official_fonts()]
    results.append(latin_font_result(pdf.status != FAIL and bool(embedded)))
    results += [libreoffice(), output_folder(output)]
    return results


def print_results(results: list[Result], stream=None) -> None:
    stream = stream or sys.stdout
    marks = MARKS if _can_encode(stream, "".join(MARKS.values())) else PLAIN_MARKS
    print("nianbao 环境检查", file=stream)
    for result in results:
        print(f"{marks[result.status]} {result.label}：{result.detail}", file=stream)
        if result.fix:
            print(f"    {result.fix}", file=stream)
    print(conclusion(results), file=stream)


def conclusion(results: list[Result]) -> str:
    failed = [r.label for r in results if r.status == FAIL]
    if failed:
        return f"结论：{'、'.join(failed)} 未通过，请按上面的提示处理后再运行 nianbao doctor。"
    pdf_ok = any(r.label == PDF and r.status == OK for r in results)
    return "结论：可以校验数据并生成 Word、网页" + ("和 PDF 报告。" if pdf_ok else "报告；PDF 暂不能生成（见上）。")


def _can_encode(stream, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# --- the checks ----------------------------------------------------------------------------------


def about_nianbao() -> Result:
    return Result("nianbao 版本", OK, __version__)


def about_python() -> Result:
    return Result("Python", OK, f"{platform.python_version()}（{sys.executable}）")


def about_system() -> Result:
    detail = platform.platform()
    with contextlib.suppress(OSError, KeyError):
        detail += f"（{platform.freedesktop_os_release()['PRETTY_NAME']}）"
    return Result("系统", OK, detail)


def basic_outputs() -> Result:
    """Check an all-zero report and render it to DOCX and HTML in memory (templates found, libraries load)."""
    try:
        from ..checks import check
        from ..formats import FORMAT_2021
        from ..render import render
        from ..report import ReportBuilder

        report = ReportBuilder(year=2025, format=FORMAT_2021).build()  # every table cell 0
        check(report)
        render(report, "docx")
        render(report, "html")
    except Exception as exc:
        return Result(
            "校验、Word 和网页输出",
            FAIL,
            f"出错：{type(exc).__name__}：{exc}",
            "nianbao 安装不完整，请重新安装：pip install --force-reinstall nianbao",
        )
    return Result("校验、Word 和网页输出", OK, "正常")


def pdf_output(required: bool) -> tuple[Result, dict[str, EmbeddedFont]]:
    """Render one small CJK PDF per official font; the embedded fonts serve the font checks too."""
    from ..render import pdf

    missing = FAIL if required else WARN
    try:
        embedded = {name: embedded_font(pdf.html_to_pdf(_sample_page(name))) for name in official_fonts()}
    except pdf.PdfUnavailable as exc:
        detail, _, fix = str(exc).partition("\n")
        return Result(PDF, missing, detail, fix.replace("\n", "\n    ")), {}
    except Exception as exc:
        return Result(
            PDF,
            missing,
            f"试排 PDF 出错：{type(exc).__name__}：{exc}",
            "请重新安装：pip install --force-reinstall nianbao；仍不行请把这一行发给技术支持。",
        ), {}
    if any(font.has_glyphs is False for font in embedded.values()):
        fix = "请安装中文字体，例如 Noto CJK（Debian、Ubuntu、统信 UOS、麒麟：sudo apt install fonts-noto-cjk）。"
        return Result(PDF, missing, "能排版，但本机没有中文字体，PDF 里的汉字会显示为方框", fix), embedded
    return Result(PDF, OK, f"正常（WeasyPrint {pdf.version()}，已试排中文 PDF）"), embedded


def font_result(name: str, embedded: EmbeddedFont | None) -> Result:
    """Which font a PDF uses for the official font ``name``, and whether it is that font or a stand-in."""
    label = f"字体 {name}"
    match: FontMatch | None
    if embedded is None:  # no PDF here: say what fontconfig would give, if it is available
        match = fc_match(name)
        if match is None:
            return Result(label, WARN, "未检查（PDF 不可用，也找不到 fontconfig 的 fc-match）")
        where = f"fontconfig 匹配为 {_font_and_file(match)}（PDF 不可用，未经 PDF 验证）"
        names = match.families
    else:
        match = fc_match(embedded.family)
        if match is not None and _key(embedded.family) not in map(_key, match.families):
            match = None  # fontconfig names another font: only the PDF's name is known
        where = f"PDF 中使用 {_font_and_file(match) if match else embedded.family}"
        if embedded.has_glyphs is False:
            return Result(label, WARN, f"{where}，但这个字体没有中文字形，汉字会显示为方框")
        names = match.families if match else (embedded.family,)
    if _key(name) in map(_key, names):
        return Result(label, OK, f"正式字体，{where}")
    if match is None:
        return Result(label, WARN, f"{where}，可能是替代字体（无法用 fontconfig 核对这个字体的其他名称）")
    free = "免费的" if names[0].startswith(FREE_FONTS) else ""
    return Result(
        label,
        WARN,
        f"替代字体，{where}",
        f"说明：本机没有找到正式字体「{name}」，PDF 用{free}替代字体 {names[0]}；Word 文件里仍写正式字体名"
        f"「{name}」，在装有该字体的电脑上按正式字体显示。",
    )


def latin_font_result(pdf_works: bool) -> Result:
    """Which font file the PDF embeds for Latin letters and digits (Times New Roman, or its free metric twin)."""
    label = f"字体 {LATIN}（数字和西文）"
    found = next(
        ((name, match) for name in _latin_sources() if (match := fc_match(name)) and _named(match, name)), None
    )
    embedded = pdf_works and _latin_embedded()
    if found is None or (pdf_works and not embedded):
        return Result(
            label,
            WARN,
            "本机没有 Times New Roman，也没有与它等宽的 Liberation Serif：PDF 里的数字和字母用中文字体自带的字形",
            "可安装免费的 Liberation Serif（Debian、Ubuntu、统信 UOS、麒麟：sudo apt install fonts-liberation2）。",
        )
    name, match = found
    where = f"{'PDF 中使用' if pdf_works else 'fontconfig 匹配为'} {_font_and_file(match)}"
    if _key(name) == _key(LATIN):
        return Result(label, OK, f"正式字体，{where}")
    return Result(label, OK, f"与 Times New Roman 等宽的替代字体，{where}")


def _latin_sources() -> list[str]:
    """The local() fonts of the report stylesheet's Latin @font-face, in order (WeasyPrint takes the first found)."""
    from ..render.html import stylesheet

    face = re.search(rf'@font-face\s*{{[^}}]*"{LATIN_FACE}"[^}}]*}}', stylesheet())
    return re.findall(r'local\("([^"]+)"\)', face.group()) if face else [LATIN]


def _named(match: FontMatch, name: str) -> bool:
    return _key(name) in map(_key, match.families)


def _latin_embedded() -> bool:
    """A PDF of Latin text in the report's body stack embeds the Latin face (not the Chinese font's own digits)."""
    from pypdf import PdfReader

    from ..render import pdf
    from ..render.html import stylesheet

    page = f"<style>{stylesheet()}</style><p style='font-family: var(--fangsong)'>{LATIN_SAMPLE}</p>"
    fonts: Any = PdfReader(io.BytesIO(pdf.html_to_pdf(page))).pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    return any(_key(LATIN_FACE) in _key(str(font.get_object()["/BaseFont"])) for font in fonts.values())


def libreoffice() -> Result:
    """Optional: LibreOffice can open and convert the Word report; nianbao itself does not need it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    found = found or next((p for p in LIBREOFFICE_PLACES if Path(p).is_file()), None)
    if not found:
        return Result("LibreOffice（可选）", OK, "未安装；nianbao 不需要它，只在想用它打开或转换 Word 报告时才用得到")
    try:
        version = subprocess.run(
            [found, "--version"], check=False, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = ""
    return Result("LibreOffice（可选）", OK, f"{version or '已安装'}（{found}）")


def output_folder(folder: Path) -> Result:
    """Create (if needed) the folder, write and delete a temporary file there; remove what was created."""
    label = "输出文件夹"
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".nianbao-doctor-", dir=folder)
        os.close(handle)
        os.unlink(temp)
    except OSError as exc:
        reason = OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
        return Result(
            label,
            FAIL,
            f"{folder.resolve()} 不能写入文件（{reason}）",
            "请用 -o 换一个可以写入的文件夹（如「文档」里的文件夹），或请管理员开放写入权限。",
        )
    finally:
        for path in created:
            with contextlib.suppress(OSError):
                path.rmdir()
    return Result(label, OK, f"{folder.resolve()} 可以写入")


# --- fonts ---------------------------------------------------------------------------------------


def official_fonts() -> tuple[str, ...]:
    from ..render.docx_reference import FANGSONG, HEITI, KAITI, SONGTI, TITLE_FONT

    return FANGSONG, KAITI, HEITI, SONGTI, TITLE_FONT


def _sample_page(name: str) -> str:
    """A page with the sample text in ``name``, through the report stylesheet's stack that starts with it."""
    return f"<p style='font-family: {_css_stack(name)}'>{SAMPLE}</p>"


def _css_stack(name: str) -> str:
    """The font stack of the report stylesheet whose first font is ``name`` (what a report asks for)."""
    from ..render.html import stylesheet

    for match in re.finditer(r"--[\w-]+:\s*([^;{}]+);", stylesheet()):
        stack = match.group(1).strip().removeprefix(f'"{LATIN_FACE}",').strip()
        if stack.startswith(f'"{name}"'):
            return stack
    return f'"{name}"'


def embedded_font(pdf_bytes: bytes) -> EmbeddedFont:
    """The font a one-font PDF embeds (pypdf), and whether it maps the sample's characters (fontTools)."""
    from pypdf import PdfReader

    fonts: Any = PdfReader(io.BytesIO(pdf_bytes)).pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    found = [_embedded(font.get_object()) for font in fonts.values()]
    return next((f for f in found if f.has_glyphs), found[0])


def _embedded(font) -> EmbeddedFont:
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    family = str(descriptor.get("/FontFamily") or str(font["/BaseFont"]).split("+")[-1])
    stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    try:
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

        cmap = TTFont(io.BytesIO(stream.get_object().get_data())).getBestCmap() or {}
    except Exception:
        return EmbeddedFont(family, None)
    return EmbeddedFont(family, all(ord(ch) in cmap for ch in SAMPLE))


def fc_match(name: str) -> FontMatch | None:
    """fontconfig's answer for ``name`` (every family name of the matched font and its file), if fc-match exists."""
    exe = shutil.which("fc-match") or shutil.which("fc-match", path=_weasyprint_dll_dirs())
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{family}|%{file}", name],
            check=False,
            capture_output=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = out.rpartition("|")
    names = tuple(n.strip() for n in families.split(",") if n.strip())
    return FontMatch(names, file.strip()) if names else None


def _weasyprint_dll_dirs() -> str:
    """On Windows, MSYS2's fontconfig (where WeasyPrint finds its DLLs) is usually not on PATH."""
    if sys.platform != "win32":
        return ""
    return os.environ.get("WEASYPRINT_DLL_DIRECTORIES", r"C:\msys64\ucrt64\bin;C:\msys64\mingw64\bin")


def _font_and_file(match: FontMatch) -> str:
    return f"{match.families[0]}（{match.file}）" if match.file else match.families[0]


def _key(family: str) -> str:
    """Family names compare without case, spaces or hyphens (PDF names write spaces as hyphens)."""
    return re.sub(r"[\s-]", "", family).casefold()
