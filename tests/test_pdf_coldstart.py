"""A PDF's start-up made shorter, never different: WeasyPrint's own user-agent sheets parsed on first use
(weasyprint_speed), cffi's parse of WeasyPrint's C declarations kept in the user's cache folder (cdef_cache),
the data file checked without jsonschema (schema_check), and what a `render --to pdf` does not need not
imported. Each speed-up against the plain path, byte for byte, and each fallback.

The PDF cases run in their own processes: WeasyPrint is imported once per process."""

from __future__ import annotations

import copy
import pickle
import sys
from pathlib import Path

import pytest
from helpers import ROOT, run_python

from generator.errors import InputError
from generator.inputs.datafile import _explain, json_schema, report_from_dict
from generator.inputs.dataparse import load_data
from generator.inputs.schema_check import schema_errors

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PDF_TESTS = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the PDF libraries are tested on Linux")


def run(code: str, cache: Path | str) -> str:
    """``code`` in a new process, with ``cache`` as the cache folder ("" switches caching off)."""
    return run_python(code, env={"NIANBAO_CACHE_DIR": str(cache)})


# --- the data file's schema check: jsonschema's errors, without importing it ------------------------------------


def broken_files() -> list[tuple[str, object]]:
    """An example's data with one thing wrong at a time: every kind of value where each kind of field is,
    fields missing, fields nobody knows, out of range."""
    base = load_data(ROOT / "examples" / "青石街道-2025.yaml")
    values = [None, "", "文字", 0, 7, 2.0, 1.5, -3, True, False, [], [1, "a"], {}, {"x": 1}, {3: None}]
    places = [
        ("format",),
        ("year",),
        ("publication_date",),
        ("agency",),
        ("agency", "name"),
        ("agency", "phone"),
        ("prose",),
        ("prose", "overview"),
        ("prose", "overview", "active"),
        ("prose", "problems"),
        ("fees",),
        ("fees", "collected"),
        ("fees", "amount"),
        ("active",),
        ("requests",),
        ("appeals",),
        *[(key, next(iter(base[key]))) for key in ("active", "requests", "appeals")],
        *[(key, row, next(iter(base[key][row]))) for key in ("active", "requests", "appeals") for row in base[key]][:6],
    ]
    cases: list[tuple[str, object]] = [("as given", base)]
    for place in places:
        for value in values:
            cases.append((f"{'.'.join(map(str, place))} = {value!r}", _put(base, place, value)))
        cases.append((f"{'.'.join(map(str, place))} missing", _put(base, place, None, delete=True)))
        cases.append((f"{'.'.join(map(str, place))} has an unknown field", _put(base, (*place, "未知字段"), 1)))
    for value in [2021, "2021", 2021.0, 2016, "2016", 2026, "x", 2021.5, True, None]:
        cases.append((f"format = {value!r}", _put(base, ("format",), value)))
    for value in [2007, 2008, 2100, 2101, 2020.0, "2020", 1e9, -1]:
        cases.append((f"year = {value!r}", _put(base, ("year",), value)))
    many = {**base, **{f"多余{n}": n for n in range(30)}, 5: "数字键"}
    del many["agency"]
    cases.append(("30 unknown fields, a number as a key, agency missing", many))
    cases.append(("a list for the whole file's agency and year", {**base, "agency": ["名称"], "year": [2020]}))
    return cases


def _put(data: dict, place: tuple, value: object, delete: bool = False) -> dict:
    changed = copy.deepcopy(data)
    where = changed
    for key in place[:-1]:
        if not isinstance(where.get(key), dict):
            where[key] = {}
        where = where[key]
    if delete:
        where.pop(place[-1], None)
    else:
        where[place[-1]] = value
    return changed


def test_every_keyword_of_every_schema_is_one_the_schema_check_checks():
    """A keyword the check does not know would raise (never be skipped): none is in the data-file schemas."""
    from generator.formats import FORMATS
    from generator.inputs.schema_check import ANNOTATIONS, KEYWORDS

    def keywords(schema: dict):
        for keyword, value in schema.items():
            yield keyword
            if keyword == "properties":
                for subschema in value.values():
                    yield from keywords(subschema)

    for schema in [json_schema(), *(json_schema(fmt) for fmt in FORMATS.values())]:
        assert set(keywords(schema)) <= KEYWORDS.keys() | ANNOTATIONS
    with pytest.raises(NotImplementedError, match="pattern"):
        list(schema_errors("x", {"pattern": "^y$"}))


@pytest.mark.parametrize(("case", "data"), broken_files(), ids=[case for case, _ in broken_files()])
def test_the_schema_check_finds_what_jsonschema_finds(case, data):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (a test dependency) is not installed")
    schema = json_schema()
    theirs = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.path)))
    ours = sorted(schema_errors(data, schema), key=lambda e: list(map(str, e.path)))

    def seen(error) -> tuple:
        return tuple(error.path), error.validator, error.validator_value, error.schema, error.message

    assert [seen(e) for e in ours] == [seen(e) for e in theirs]
    assert all(a.instance is b.instance for a, b in zip(ours, theirs))
    assert [_explain(e) for e in ours] == [_explain(e) for e in theirs]  # what the user reads


def test_a_broken_data_file_is_still_refused_with_the_place_named():
    data = _put(load_data(ROOT / "examples" / "青石街道-2025.yaml"), ("requests", "new", "natural"), [1])
    data = _put(data, ("year",), "二〇二五")
    del data["agency"]
    with pytest.raises(InputError) as refused:
        report_from_dict(data, source="数据.yaml")
    assert str(refused.value).splitlines() == [
        "数据.yaml：缺少必填字段「agency」（机关信息）：请在文件中写上这一项。",
        "数据.yaml：字段「requests.new.natural」的值「[1]」类型不对，应为整数或数字或文字或空。",
        "数据.yaml：字段「year」的值「二〇二五」类型不对，应为整数。",
    ]


# --- what a PDF render imports ------------------------------------------------------------------------------------

RENDER_AND_LIST_MODULES = """
import runpy, sys
sys.argv = ["nianbao", "render", {example!r}, "-o", {out!r}, "--to", "pdf", "--force", "--ignore-errors"]
try:
    runpy.run_module("generator", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    print("exit", exit.code)
print("loaded", sorted({{name.split(".")[0] for name in sys.modules}}))
"""
NOT_FOR_A_PDF = ("jsonschema", "docx", "openpyxl", "questionary", "pypdf", "pdfplumber", "pypdfium2", "rich", "lxml")


@PDF_TESTS
def test_a_pdf_render_imports_only_what_it_needs(tmp_path):
    code = RENDER_AND_LIST_MODULES.format(example=str(EXAMPLES[0]), out=str(tmp_path))
    run(code, tmp_path / "cache")  # the first run fills the cache
    out = run(code, tmp_path / "cache")
    assert "exit 0" in out
    loaded = eval(out.split("loaded ", 1)[1])
    assert "weasyprint" in loaded
    assert not set(loaded) & {*NOT_FOR_A_PDF, "pycparser"}


# --- the speed-ups against the plain path, byte for byte --------------------------------------------------------

RENDER_EXAMPLES = """
import hashlib, sys
from pathlib import Path
from generator.inputs import load_report
from generator.render import render
for path in sorted(Path("examples").glob("*.yaml")):
    report = load_report(path)
    for draft in (False, True):
        print(path.stem, draft, hashlib.sha256(render(report, "pdf", draft=draft)).hexdigest())
print("pycparser", "pycparser.c_parser" in sys.modules)
"""
PLAIN = """
from generator.render import weasyprint_speed
weasyprint_speed.speed_up = lambda weasyprint: None
weasyprint_speed.import_weasyprint = lambda: __import__("weasyprint")
"""


def pdfs_of(out: str) -> list[str]:
    return [line for line in out.splitlines() if not line.startswith("pycparser")]


@PDF_TESTS
def test_the_pdfs_are_the_same_with_the_cache_empty_filled_and_off(tmp_path):
    cache = tmp_path / "cache"
    empty = run(RENDER_EXAMPLES, cache)
    assert len(list(cache.glob("cffi-*.pickle"))) == 1
    filled = run(RENDER_EXAMPLES, cache)
    plain = run(PLAIN + RENDER_EXAMPLES, "")
    assert "pycparser True" in empty and "pycparser False" in filled  # read from the cache: no C parsing at all
    assert pdfs_of(empty) == pdfs_of(filled) == pdfs_of(plain)
    assert len(pdfs_of(plain)) == 2 * len(EXAMPLES)


@PDF_TESTS
def test_a_damaged_or_unwritable_cache_is_left_alone(tmp_path):
    cache = tmp_path / "cache"
    plain = pdfs_of(run(PLAIN + RENDER_EXAMPLES, ""))
    run("from generator.render import pdf; pdf.warm_up()", cache)
    (damaged,) = cache.glob("cffi-*.pickle")
    for content in (b"", b"not a pickle", pickle.dumps(("a", "tuple")), damaged.read_bytes()[:1000]):
        damaged.write_bytes(content)
        out = run(RENDER_EXAMPLES, cache)
        assert pdfs_of(out) == plain and "pycparser True" in out  # parsed by cffi, as before
    a_file = tmp_path / "a file"
    a_file.write_text("")
    out = run(RENDER_EXAMPLES, a_file / "cache")  # cannot be made
    assert pdfs_of(out) == plain


@PDF_TESTS
@pytest.mark.parametrize(
    ("changed", "cache_used", "sheets_deferred"),
    [
        ("cdef_cache.CFFI_MEASURED_ON = '0.0'", False, True),
        ("weasyprint_speed.MEASURED_ON = '0.0'", True, False),
    ],
)
def test_on_another_version_the_plain_path_runs(tmp_path, changed, cache_used, sheets_deferred):
    code = f"""
from generator.render import weasyprint_speed
from generator.render.weasyprint_speed import cdef_cache
{changed}
{RENDER_EXAMPLES}
from weasyprint import html
print("deferred", type(html.PH_STYLESHEET).__name__ != "CSS")
"""
    cache = tmp_path / "cache"
    out = run(code, cache)
    assert bool(list(cache.glob("cffi-*.pickle"))) is cache_used
    assert f"deferred {sheets_deferred}" in out
    assert pdfs_of(out)[:-1] == pdfs_of(run(PLAIN + RENDER_EXAMPLES, ""))


CACHED_AGAINST_PARSED = """
import pickle, sys
import cffi
from generator.render import pdf, weasyprint_speed
ffi = pdf._weasyprint().text.ffi.ffi
print("from cache", "pycparser.c_parser" not in sys.modules)
alone = cffi.FFI()
alone.cdef(ffi._cdefsources[0])
types = {{cdecl: alone._parser.parse_type(cdecl) for cdecl in weasyprint_speed.WEASYPRINT_TYPES}}
state = {{name: value for name, value in vars(alone._parser).items() if name != "_structnode2type"}}
cached = pickle.loads(open({cached!r}, "rb").read())
print("same declarations", pickle.dumps(cached) == pickle.dumps((state, types)))
rectangle = ffi.new("PangoRectangle *")
print("a struct is the one its functions take", ffi.typeof(rectangle).item is ffi.typeof("PangoRectangle"))
"""


@PDF_TESTS
def test_the_cached_declarations_are_those_cffi_parses(tmp_path):
    """What is read from the cache is what cffi's own parse makes, object for object (pickled alike)."""
    run("from generator.render import pdf; pdf.warm_up()", tmp_path)
    (cached,) = tmp_path.glob("cffi-*.pickle")
    out = run(CACHED_AGAINST_PARSED.format(cached=str(cached)), tmp_path)
    assert "from cache True" in out
    assert "same declarations True" in out
    assert "a struct is the one its functions take True" in out


USER_AGENT = """
import hashlib
from generator.render import pdf
weasyprint = pdf._weasyprint()
from weasyprint import html
print("at import", [type(sheet).__name__ for sheet in (html.UA_STYLESHEET, html.UA_FORM_STYLESHEET, html.PH_STYLESHEET)])
print("counter styles", sorted(html.UA_COUNTER_STYLE.items()))
page = ("<h1>标题</h1><ol><li>一</li><li>二</li></ol><ul><li>x</li></ul><form><input value='a'>"
        "<select><option>b</select></form><table border=1 cellpadding=3><tr><td bgcolor=red>1</td></tr></table>"
        "<p><b>粗</b> <i>斜</i> <a href='https://example.org'>链接</a></p>")
print("html_to_pdf", hashlib.sha256(pdf.html_to_pdf(page)).hexdigest())
print("hints", hashlib.sha256(weasyprint.HTML(string=page).write_pdf(presentational_hints=True)).hexdigest())
print("forms", hashlib.sha256(weasyprint.HTML(string=page).write_pdf(pdf_forms=True)).hexdigest())
print("after use", [type(sheet).__name__ for sheet in (html.UA_STYLESHEET, html.UA_FORM_STYLESHEET, html.PH_STYLESHEET)])
"""


@PDF_TESTS
def test_weasyprints_own_sheets_are_parsed_on_first_use_to_the_same_pdfs(tmp_path):
    """The counter styles read at import are the same parsed (cache empty) or read back (filled)."""
    fast, plain = run(USER_AGENT, tmp_path).splitlines(), run(PLAIN + USER_AGENT, "").splitlines()
    (kept,) = tmp_path.glob("weasyprint-counter-styles-*.pickle")
    assert run(USER_AGENT, tmp_path).splitlines() == fast
    kept.write_bytes(kept.read_bytes()[:100])  # damaged: parsed again
    assert run(USER_AGENT, tmp_path).splitlines() == fast
    assert fast[0] == "at import ['ParsedOnFirstUse', 'ParsedOnFirstUse', 'ParsedOnFirstUse']"
    assert plain[0] == "at import ['CSS', 'CSS', 'CSS']"
    assert fast[1:] == plain[1:]  # the same counter styles and PDFs, all three sheets parsed now
    assert fast[-1] == "after use ['CSS', 'CSS', 'CSS']"
    assert "'cjk-decimal'" in fast[1]


HTML_PAGES = """
import hashlib
from pathlib import Path
from generator.inputs import load_report
from generator.render.html import render_html
for path in sorted(Path("examples").glob("*.yaml")):
    print(path.stem, hashlib.sha256(render_html(load_report(path), draft=True).encode()).hexdigest())
"""


def test_the_compiled_template_kept_in_the_cache_makes_the_same_pages(tmp_path):
    cache = tmp_path / "cache"
    compiled = run(HTML_PAGES, cache)
    (kept,) = cache.glob("jinja-*.cache")
    assert run(HTML_PAGES, cache) == compiled == run(HTML_PAGES, "")
    for content in (b"", b"j2 damaged", kept.read_bytes()[:200], kept.read_bytes()[:30] + b"\x00" * 300):
        kept.write_bytes(content)
        assert run(HTML_PAGES, cache) == compiled


@pytest.mark.parametrize(
    ("platform", "environment", "folder"),
    [
        (
            "win32",
            {"LOCALAPPDATA": r"C:\Users\张三\AppData\Local"},
            Path(r"C:\Users\张三\AppData\Local", "nianbao", "cache"),
        ),
        ("win32", {}, None),
        ("darwin", {}, Path.home() / "Library" / "Caches" / "nianbao"),
        ("linux", {"XDG_CACHE_HOME": "/var/cache/zs"}, Path("/var/cache/zs/nianbao")),
        ("linux", {}, Path.home() / ".cache" / "nianbao"),
        ("linux", {"NIANBAO_CACHE_DIR": "/tmp/别处"}, Path("/tmp/别处")),
        ("win32", {"NIANBAO_CACHE_DIR": ""}, None),
    ],
)
def test_the_cache_folder_is_the_systems_own(monkeypatch, platform, environment, folder):
    from generator.render import user_cache

    for name in ("LOCALAPPDATA", "XDG_CACHE_HOME", "NIANBAO_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(user_cache.sys, "platform", platform)
    assert user_cache.cache_folder() == folder
