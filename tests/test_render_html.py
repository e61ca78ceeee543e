"""The web page in a real browser (headless Chromium) on a desktop and on a 375 px phone: numbers, phone
numbers, e-mail addresses and URLs never break inside, and the wide tables stay readable."""

import json
import re
import shutil
import subprocess

import lxml.html
import pytest
from conftest import BUSY, example_dict, report_of
from test_layout import stress_dict

from generator.render import render
from generator.render.html import keep_tokens

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
MEASURE = """<script>
addEventListener("load", () => {
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const tokens = [...document.querySelectorAll(".report p .nobr")];
  const wrap = document.querySelector(".part-requests .table-wrap");
  const headers = [...document.querySelectorAll(".t-requests thead th, .t-appeals thead th")];
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el); return [...r.getClientRects()]; };
  const headings = [...document.querySelectorAll(".report h2, .report h3")];
  const label = document.querySelector(".t-requests tbody th.row-label");
  const before = label.getBoundingClientRect().left;
  wrap.scrollLeft = 200;
  document.body.dataset.result = JSON.stringify({
    titleTop: document.querySelector("h1.title").getBoundingClientRect().top,
    lonely: headings.filter(h => { const l = lines(h); return l.length > 1 && l[l.length - 1].width < 1.5 * px(h); })
                    .map(h => h.textContent),
    labelMoved: label.getBoundingClientRect().left - before,
    tokens: tokens.length,
    broken: tokens.filter(t => t.getClientRects().length > 1).map(t => t.textContent),
    tableScrolls: wrap.scrollWidth > wrap.clientWidth,
    pageScrolls: document.documentElement.scrollWidth > innerWidth,
    squeezed: headers.filter(th => th.textContent.length > 1 && th.clientWidth < 2 * px(th)).map(th => th.textContent),
  });
});
</script>"""


def test_numbers_are_kept_whole_and_addresses_break_where_chinese_typesetting_breaks_them():
    html = keep_tokens(
        "审查214件次，电话025-52100000，邮箱qsjd_2@example.gov.cn，网址https://www.a.gov.cn/x/（2025年）"
        "，经费1,150.5万元，“青石发布”、“谁公开”公众号（“先审查”）在“青石”。<b>"
    )
    tree = lxml.html.fragment_fromstring(f"<p>{html}</p>")
    assert [s.text for s in tree.xpath("//span[@class='nobr']")] == ["214", "025-", "52100000", "2025", "1,150.5"]
    assert "电话<span class=\"nobr\">025-</span><wbr><span" in html  # a telephone number only after its area code
    assert "qsjd_<wbr>2@<wbr>example.<wbr>gov.<wbr>cn，" in html  # after _ @ . in an e-mail address
    assert "https://<wbr>www.<wbr>a.<wbr>gov.<wbr>cn/<wbr>x/（" in html  # after / and . in a URL, not at its end
    assert "在<wbr>“青石" in html and "谁公开”<wbr>公众号" in html  # before “ and after ”
    # 标点挤压: in 「，“」「”、“」「（“」「”）。」 the first of each pair gives up its blank half, and none breaks
    squeezed = [
        (pm.text_content(), [s.text for s in pm.xpath("span[@class='sq']")]) for pm in tree.xpath("//span[@class='pm']")
    ]
    assert squeezed == [
        ("），", ["）"]),
        ("，“", ["，"]),
        ("”、“", ["”", "、"]),
        ("（“", ["（"]),
        ("”）", ["”"]),
        ("”。", ["”"]),
    ]
    assert "&lt;b&gt;" in html  # text is escaped


@pytest.mark.chromium
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("case", ["busy", "stress"])
def test_page_in_a_browser(tmp_path, width, case):
    data = example_dict(BUSY) if case == "busy" else stress_dict()
    html = render(report_of(data), "html").decode("utf-8").replace("</body>", MEASURE + "</body>")
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size={width},900",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    result = json.loads(lxml.html.fromstring(dom).xpath("//body")[0].get("data-result"))
    assert result["tokens"] >= 10
    assert result["broken"] == [], "numbers, phone numbers, e-mail addresses and URLs never break inside"
    assert not result["pageScrolls"], "the page itself never scrolls sideways"
    assert result["squeezed"] == [], "table headings keep at least two characters per line"
    assert result["titleTop"] >= 24, "the title stands clear of the top of the page"
    assert result["lonely"] == [], "no heading leaves one character alone on its last line"
    if width == 375:
        assert result["tableScrolls"], "on a phone the section 三 table scrolls inside its frame"
        assert abs(result["labelMoved"]) < 1, "row labels stay in view while the numbers scroll"
    assert re.search(r"table-wrap", dom)
