import json

import pytest
from conftest import EXAMPLES, report_of, rules_of

from generator.inputs import InputError, load_report
from generator.inputs.datafile import dump_yaml, report_from_dict, report_to_dict


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_round_trip(path, tmp_path):
    report = load_report(path)
    again = report_from_dict(json.loads(json.dumps(report_to_dict(report))))
    assert report_to_dict(again) == report_to_dict(report)
    (tmp_path / "copy.yaml").write_text(dump_yaml(report), encoding="utf-8")
    assert report_to_dict(load_report(tmp_path / "copy.yaml")) == report_to_dict(report)


def test_json_is_accepted(tmp_path, busy_dict):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(busy_dict, ensure_ascii=False), encoding="utf-8")
    assert load_report(path).requests_total("new") == 16


def test_unknown_key_names_the_field(busy_dict):
    busy_dict["requests"]["new"]["natual"] = 3
    with pytest.raises(InputError, match=r"requests\.new.*natual"):
        report_of(busy_dict)


def test_wrong_type_names_the_field(busy_dict):
    busy_dict["agency"] = "青石街道"
    with pytest.raises(InputError, match="agency"):
        report_of(busy_dict)


def test_missing_year(busy_dict):
    del busy_dict["year"]
    with pytest.raises(InputError, match="year"):
        report_of(busy_dict)


@pytest.mark.parametrize(
    ("drop", "said"),
    [
        (("year",), "缺少必填字段「year」（报告年度）"),
        (("agency", "name"), "缺少必填字段「agency.name」（机关名称）"),
    ],
)
def test_a_missing_field_is_named_in_chinese_too(busy_dict, drop, said):
    parent = busy_dict
    for key in drop[:-1]:
        parent = parent[key]
    del parent[drop[-1]]
    with pytest.raises(InputError, match=said):
        report_of(busy_dict)


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("year: 2025\nagency:\n  name: [未闭合\n", encoding="utf-8")
    with pytest.raises(InputError, match="第 .* 行"):
        load_report(path)


def test_empty_and_binary_files(tmp_path):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="为空"):
        load_report(tmp_path / "empty.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(InputError, match="UTF-8"):
        load_report(tmp_path / "bin.yaml")
    with pytest.raises(InputError, match="找不到"):
        load_report(tmp_path / "none.yaml")


def test_totals_in_input_are_checked_not_trusted(busy_dict):
    busy_dict["requests"]["new"]["total"] = 99
    report = report_of(busy_dict)
    assert report.number("requests.new.total") == 16
    assert report.typed_totals["requests.new.total"] == 99


def test_other_format_rows_are_g2(busy_dict):
    busy_dict["active"]["other_services"] = {"prev_items": 1}
    findings = report_of(busy_dict).read_findings
    assert [f.rule for f in findings] == ["G-2"]
    assert "其他对外管理服务事项" in findings[0].where


def test_messy_numbers_are_normalised_with_warnings(busy_dict):
    busy_dict["active"]["licensing"] = {"decisions": "１５６"}
    busy_dict["active"]["penalty"] = {"decisions": " 23 "}
    busy_dict["active"]["coercion"] = {"decisions": "+2"}
    report = report_of(busy_dict)
    assert [report.number(f"active.{r}.decisions") for r in ("licensing", "penalty", "coercion")] == [156, 23, 2]
    assert [f.severity for f in report.read_findings] == ["W", "W", "W"]


def test_control_characters_are_removed(busy_dict):
    busy_dict["prose"]["problems"] = "问题\x00一\x07。"
    report = report_of(busy_dict)
    assert report.text("problems") == "问题一。"
    assert "R0-3" in rules_of(report.read_findings)


def test_phone_and_postcode_may_be_numbers(busy_dict):
    busy_dict["agency"]["phone"] = 4379316
    assert report_of(busy_dict).agency.phone == "4379316"


def test_bad_date(busy_dict):
    busy_dict["publication_date"] = "2026-02-30"
    with pytest.raises(InputError, match="发布日期"):
        report_of(busy_dict)
