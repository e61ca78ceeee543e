"""Small SVG charts for the review page and the roll-up PDF: horizontal bars and stacked shares.

Hand-made rather than a charting library: the charts are two shapes (bars, stacked bars) whose labels
are Chinese unit names. The SVG is plain rect/text with inline attributes, so browsers, print and
WeasyPrint draw it the same, and labels are measured as CJK (a library's Latin-width estimate cut
the first characters of long Chinese labels off). Every value is also written as text on the chart.
"""

from __future__ import annotations

from html import escape

WIDTH = 480  # drawn at 1:1 in a 480 px column; scaled to a 375 px phone the 12 px labels stay legible
LABEL_CHARS = 14  # longer labels are shortened (the full text is in the bar's tooltip)
ROW, GAP, TOP = 18, 6, 34
FONT = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"
COLOURS = ("#2f6db5", "#e39b2f", "#6f9a37", "#c4473f", "#7d5ba6", "#3a9fb8", "#8c8c8c", "#b5651d")


def _width(text: str, size: float) -> float:
    """Drawn width of ``text``: CJK and full-width characters are one em, the rest about 0.6 em."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _number(value) -> str:
    if value is None:
        return "—"
    return (
        f"{value:,.2f}".rstrip("0").rstrip(".")
        if isinstance(value, float) or not float(value).is_integer()
        else f"{int(value):,}"
    )


def _unit(unit: str, value) -> str:
    """「22 件」: the unit after a number (nothing after 「—」, a figure not in that year's format)."""
    return f" {unit}" if unit and value is not None else ""


def _svg(title: str, height: float, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="12">'
        f'<title>{escape(title)}</title>'
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def _legend(names, y: float) -> list[str]:
    out, x = [], 0.0
    for i, name in enumerate(names):
        out.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="10" height="10" fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<text x="{x + 14:.1f}" y="{y:.1f}" fill="#222">{escape(name)}</text>'
        )
        x += 24 + _width(name, 12)
    return out


def bar_chart(
    title: str,
    rows: list[tuple[str, list]],
    series: tuple[str, ...] = (),
    per_row: bool = False,
    note: str = "",
    unit: str = "",
) -> str:
    """Horizontal bars, one group per row (one bar per series); ``per_row`` scales each row to its own largest
    value (figures of different sizes side by side, e.g. this year against last year)."""
    labels = [_short(label) for label, _ in rows]
    left = max((_width(text, 12) for text in labels), default=0) + 10
    span = WIDTH - left - 70 - _width(unit, 12)
    bars = max((len(values) for _, values in rows), default=1)
    top = TOP + (18 if series else 0)
    largest = max((v or 0 for _, values in rows for v in values), default=0) or 1
    body = _legend(series, TOP + 6) if series else []
    y = top
    for (full, values), label in zip(rows, labels, strict=True):
        scale = (max((v or 0 for v in values), default=0) or 1) if per_row else largest
        body.append(
            f'<text x="{left - 6:.1f}" y="{y + ROW * bars / 2 + 4:.1f}" text-anchor="end" fill="#222">'
            f'<title>{escape(full)}</title>{escape(label)}</text>'
        )
        for i, value in enumerate(values):
            w = span * (value or 0) / scale
            body.append(
                f'<rect x="{left:.1f}" y="{y + i * ROW + 2:.1f}" width="{max(w, 0.5):.1f}" height="{ROW - 4}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(full)}：{_number(value)}</title></rect>'
                f'<text x="{left + w + 4:.1f}" y="{y + i * ROW + ROW - 5:.1f}" fill="#222">'
                f'{_number(value)}{_unit(unit, value)}</text>'
            )
        y += ROW * bars + GAP
    if note:
        body.append(f'<text x="0" y="{y + 12:.1f}" fill="#555">{escape(note)}</text>')
        y += 18
    return _svg(title, y + 4, body)


def stacked_chart(
    title: str,
    rows: list[tuple[str, list]],
    parts: tuple[str, ...],
    notes: tuple[str, ...] | list[str] = (),
    unit: str = "件",
) -> str:
    """One 100 % bar per row, split into ``parts`` (with counts and shares); ``notes`` are written after each bar."""
    labels = [_short(label) for label, _ in rows]
    left = max((_width(text, 12) for text in labels), default=0) + 10
    right = max((_width(n, 12) for n in notes), default=0) + 10 if notes else 10
    span = WIDTH - left - right
    body = _legend(parts, TOP + 6)
    y = TOP + 20
    for n, ((_, values), label) in enumerate(zip(rows, labels, strict=True)):
        total = sum(v or 0 for v in values)
        body.append(f'<text x="{left - 6:.1f}" y="{y + 17:.1f}" text-anchor="end" fill="#222">{escape(label)}</text>')
        x = left
        for i, value in enumerate(values):
            if not value or not total:
                continue
            w = span * value / total
            share = f"{value / total:.0%}"
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="24" fill="{COLOURS[i % len(COLOURS)]}">'
                f'<title>{escape(parts[i])}：{_number(value)}（{share}）</title></rect>'
            )
            shown = f"{_number(value)}{_unit(unit, value)}（{share}）"
            if w > _width(shown, 11) + 4:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 16:.1f}" text-anchor="middle" font-size="11" '
                    f'fill="#fff">{escape(shown)}</text>'
                )
            x += w
        if not total:
            body.append(f'<text x="{left:.1f}" y="{y + 16:.1f}" fill="#555">无</text>')
        if notes:
            body.append(f'<text x="{WIDTH - right + 8:.1f}" y="{y + 16:.1f}" fill="#222">{escape(notes[n])}</text>')
        y += 32
    return _svg(title, y + 4, body)


def figure(svg: str, caption: str = "") -> str:
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart">{svg}{cap}</figure>'
