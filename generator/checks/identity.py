"""Who the report speaks for: the self-reference agrees with the agency (T-3), no name is written twice (T-4);
a township makes no 规章 (R2-1)."""

from __future__ import annotations

import re

from ..findings import ERROR, WARNING, Finding
from ..report import AGENCY_FIELDS, PROSE_FIELDS, Agency, Report

# How an agency refers to itself, by the kind its name ends with. Counties, districts and cities are never
# judged: a township's report may rightly speak of 「我区」 or 「本市」, meaning its parent government.
AGENCY_KINDS = (
    ("街道办事处", "街道"),
    ("乡人民政府", "乡"),
    ("镇人民政府", "镇"),
    ("县人民政府", "县"),
    ("区人民政府", "区"),
    ("市人民政府", "市"),
    ("委员会", "委"),
    ("局", "局"),
)
SELF_WORDS = {
    "乡": "我乡",
    "镇": "我镇",
    "街道": "本街道",
    "县": "我县",
    "区": "我区",
    "市": "我市",
    "委": "我委",
    "局": "我局",
}
JUDGED_KINDS = ("乡", "镇", "街道", "委", "局")
SELF_REFERENCE = re.compile(r"(?:我|(?<![基根成资样文版课账剧日原范脚标副])本)(街道?|乡|镇|局|委)")


def agency_kind(agency: Agency) -> str:
    """「镇」 for 英林镇人民政府, 「街道」 for 青石街道办事处 …; the level field when the name does not say; else ""."""
    name = agency.name.strip()
    kind = next((kind for suffix, kind in AGENCY_KINDS if name.endswith(suffix)), "")
    return kind or (agency.level if agency.level in SELF_WORDS else "")


def self_words(text: str) -> dict[str, str]:
    """Every self-reference in ``text`` (「我乡」, 「本街道」 …) → the kind of agency it belongs to."""
    return {m.group(0): "街道" if m.group(1).startswith("街") else m.group(1) for m in SELF_REFERENCE.finditer(text)}


def t3_self_reference(report: Report) -> list[Finding]:
    """T-3: the self-reference (我镇/我乡/本街道/我局 …) agrees with the kind of agency in the name, everywhere."""
    agency = report.agency
    kind = agency_kind(agency)
    texts = {"agency.short_name": (f"单位信息 · {AGENCY_FIELDS['short_name']}", agency.short_name)}
    texts.update({f"prose.{key}": (label, report.text(key)) for key, label in PROSE_FIELDS.items()})
    found = {
        path: {w: k for w, k in self_words(text).items() if k in JUDGED_KINDS} for path, (_, text) in texts.items()
    }
    if not kind:  # the name does not say: only two different self-references contradict each other
        kinds = {k for words in found.values() for k in words.values()}
        if len(kinds) < 2:
            return []
        used = sorted({w for words in found.values() for w in words})
        return [
            Finding(
                "T-3",
                WARNING,
                "单位信息 · 自称",
                f"报告中的自称不一致：{'、'.join(f'「{w}」' for w in used)}。请统一为本单位的自称。",
                path="agency.short_name",
                operands={"自称": used},
            )
        ]
    out = []
    for path, words in found.items():
        wrong = sorted(w for w, k in words.items() if k != kind)
        if not wrong:
            continue
        where = report.places.get(path) or texts[path][0]
        said = "、".join(f"「{w}」" for w in wrong)
        out.append(
            Finding(
                "T-3",
                WARNING,
                where,
                f"自称{said}与机关名称「{agency.name}」不符（本单位是{kind}），应自称「{SELF_WORDS[kind]}」。请统一改正。",
                path=path,
                operands={"自称": wrong, "应为": SELF_WORDS[kind]},
            )
        )
    return out


def r2_1_township_rules(report: Report) -> list[Finding]:
    """A township cannot make 规章: its 规章 row should be all zero."""
    if not report.agency.is_township:
        return []
    block = report.format.active_block_of("rules")
    nonzero = {
        c.label: report.number(f"active.rules.{c.key}") for c in block.columns if report.number(f"active.rules.{c.key}")
    }
    if not nonzero:
        return []
    return [
        Finding(
            "R2-1",
            WARNING,
            report.format.describe(f"active.rules.{block.columns[0].key}").rsplit(" · ", 1)[0],
            "乡镇、街道没有规章制定权，「规章」一行应为 0；规范性文件请填在下一行。",
            path="active.rules",
            operands=nonzero,
        )
    ]


AGENCY_ENDINGS = re.compile(r"人民政府|办事处|委员会")
DOUBLED = re.compile(r"(.{2,}?)\1")
NAME_FIELDS = ("name", "short_name", "parent")


def t4_doubled_names(report: Report) -> list[Finding]:
    """T-4: a name typed twice (「本街道本街道」, 「东湖街道办事处东湖街道办事处」) or two agencies' names run
    together (「城关街道办事处东湖街道办事处」), in the unit's details or glued in the prose."""
    agency, out = report.agency, []
    for key in NAME_FIELDS:
        value = getattr(agency, key).strip()
        where = report.places.get(f"agency.{key}") or f"单位信息 · {AGENCY_FIELDS[key]}"
        what = doubled_name(value)
        if what:
            severity = ERROR if DOUBLED.fullmatch(value) else WARNING
            out.append(_doubled(where, f"agency.{key}", value, what.removeprefix(f"「{value}」"), severity))
    names = {n for n in (agency.name.strip(), agency.short_name.strip(), *SELF_WORDS.values()) if len(n) >= 2}
    for key, label in PROSE_FIELDS.items():
        text = report.text(key)
        glued = sorted(n for n in names if n + n in text)
        if glued:
            where = report.places.get(f"prose.{key}") or label
            said = "」「".join(n + n for n in glued)
            out.append(_doubled(where, f"prose.{key}", said, "名称连写了两遍", ERROR))
    return out


def doubled_name(value: str) -> str:
    """「「本街道本街道」是「本街道」写了两遍」 when a name is typed twice or two agencies' names run together; else ""."""
    value = value.strip()
    twice = DOUBLED.fullmatch(value)
    if twice:
        return f"「{value}」是「{twice.group(1)}」写了两遍"
    if len(AGENCY_ENDINGS.findall(value)) >= 2:
        return f"「{value}」像是两个单位的名称连在了一起"
    return ""


def _doubled(where: str, path: str, value: str, what: str, severity: str) -> Finding:
    return Finding(
        "T-4",
        severity,
        where,
        f"「{value}」{what}，请改正（可能是在已填好的内容后面又输入了一遍）。",
        path=path,
        operands={"填写": value},
    )
