from conftest import BUSY, YINGLIN, example_dict, report_of

from generator.formats import FORMAT_2019, FORMAT_2021, HEADINGS, REQUEST_NOTE, format_for_year, outcome_rows
from generator.tables import appeals_grid, requests_grid


def test_year_picks_format():
    assert format_for_year(2019) is FORMAT_2019
    assert format_for_year(2020) is FORMAT_2019
    assert format_for_year(2021) is FORMAT_2021
    assert format_for_year(2026) is FORMAT_2021


def test_six_headings_exact():
    assert HEADINGS == (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    )


def test_requests_table_geometry():
    assert len(FORMAT_2021.requests.rows) == 25
    assert len(FORMAT_2019.requests.rows) == 23
    for fmt in (FORMAT_2019, FORMAT_2021):
        assert [c.label for c in fmt.requests.columns] == [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        ]
    assert [r.key for r in outcome_rows(FORMAT_2021.requests)][-3:] == ["other_1", "other_2", "other_3"]
    assert FORMAT_2021.requests.row("partial").label == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def test_section_two_blocks_differ_by_format():
    assert [b.caption for b in FORMAT_2021.active_blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    assert FORMAT_2019.active_blocks[-1].caption == "第二十条第（九）项"
    assert [c.label for c in FORMAT_2021.active_blocks[0].columns] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert FORMAT_2021.active_blocks[-1].columns[0].label == "本年收费金额（单位：万元）"


def test_requests_grid_merges_2021():
    grid = requests_grid(report_of(example_dict(BUSY)))
    assert grid.nrows == 3 + 25 and grid.ncols == 10
    note = grid.cells[0]
    assert (note.text, note.rowspan, note.colspan) == (REQUEST_NOTE, 3, 3)
    outcomes = next(c for c in grid.cells if c.text == "三、本年度办理结果")
    assert outcomes.rowspan == 22
    denied = next(c for c in grid.cells if c.text == "（三）不予公开")
    assert denied.rowspan == 8
    value_cells = [c for c in grid.cells if c.path]
    assert len(value_cells) == 25 * 7


def test_requests_grid_2019_has_23_rows():
    grid = requests_grid(report_of(example_dict(YINGLIN)))
    assert len([c for c in grid.cells if c.path]) == 23 * 7
    assert next(c for c in grid.cells if c.text == "（六）其他处理").colspan == 2


def test_appeals_grid_has_fifteen_numbers():
    grid = appeals_grid(report_of(example_dict(BUSY)))
    assert len([c for c in grid.cells if c.path]) == 15
    assert [c.text for c in grid.cells if c.row == 0] == ["行政复议", "行政诉讼"]
    # official template: 行政复议's leaf headings span rows 2–3, beside the two 行政诉讼 groups on row 2
    row1 = [(c.text, c.rowspan, c.colspan) for c in grid.cells if c.row == 1 and not c.path]
    assert row1 == [(t, 2, 1) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")] + [
        ("未经复议直接起诉", 1, 5),
        ("复议后起诉", 1, 5),
    ]
    assert next(c for c in grid.cells if c.text == "行政复议").rowspan == 1
