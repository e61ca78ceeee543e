"""Every rule id a finding can carry: a short Chinese name, what the rule asks, and an example.

``Finding.text()`` shows the name beside the id (「错误 [R3-1 列平衡] …」) and ``nianbao rules`` lists the
whole registry, so a clerk never has to look an id up elsewhere. A finding with an id that is not here
(the batch run's 「读取」「输出」 stages) is shown without a name.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR_TEXT, WARNING_TEXT, EITHER_TEXT = "错误", "提醒", "错误或提醒"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # two to six characters, shown beside the id
    severity: str  # ERROR_TEXT, WARNING_TEXT or EITHER_TEXT
    description: str  # what the rule asks, one line
    example: str  # a typical finding and what to do about it


RULE_GROUPS: tuple[tuple[str, tuple[Rule, ...]], ...] = (
    (
        "数字和空白",
        (
            Rule(
                "R0-1",
                "数字写法",
                EITHER_TEXT,
                "件数为不小于 0 的整数；金额可有小数；2019 年版「本年增/减」可为负数",
                "填了「3件」按 3 处理并提醒；填了「三件」「-2」是错误，请改为阿拉伯数字",
            ),
            Rule(
                "R0-2",
                "空白格",
                EITHER_TEXT,
                "表格中不留空白，没有发生的填 0",
                "填报表中的空白格按 0 处理并提醒；已发布的报告中有空白格是错误",
            ),
            Rule(
                "R0-3",
                "控制字符",
                WARNING_TEXT,
                "文字中看不见的控制字符已删除",
                "从网页或其他系统复制的文字里带有控制字符，已自动删除，请核对文字",
            ),
        ),
    ),
    (
        "表格勾稽关系",
        (
            Rule(
                "R3-1",
                "列平衡",
                EITHER_TEXT,
                "第三部分每一列：一、新收 + 二、上年结转 = （七）总计 + 四、结转下年度"
                "（用到的格子没有读到时，只提醒“无法校验”）",
                "「自然人」列新收 12、上年结转 2，而办理结果总计 12、结转下年度 1，相差 1：请核对这一列",
            ),
            Rule(
                "R3-2",
                "办理结果合计",
                EITHER_TEXT,
                "第三部分（七）总计 = （一）至（六）各项办理结果之和（同上）",
                "填写的（七）总计为 12，各项办理结果之和为 11：总计由工具计算，请核对各项或删去总计",
            ),
            Rule(
                "R3-3",
                "申请人合计",
                EITHER_TEXT,
                "第三部分每一行的总计 = 六类申请人之和（同上）",
                "「一、本年新收」填写的总计为 16，六类申请人之和为 15",
            ),
            Rule(
                "R4-1",
                "复议诉讼合计",
                EITHER_TEXT,
                "第四部分每一组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结（同上）",
                "「行政复议」填写的总计为 3，四项之和为 2",
            ),
            Rule(
                "R2-1",
                "乡镇规章",
                WARNING_TEXT,
                "乡镇、街道没有规章制定权，第二部分「规章」一行应为 0",
                "镇政府填了规章「本年制发件数」1：规范性文件请填在下一行",
            ),
            Rule(
                "R3-5",
                "逾期未缴费",
                WARNING_TEXT,
                "有因逾期未缴纳信息处理费而不再处理的申请时，第六部分应说明收费情况",
                "（六）其他处理第 2 项为 1，但没有说明信息处理费",
            ),
            Rule(
                "R6-1",
                "收费矛盾",
                ERROR_TEXT,
                "选了未收取信息处理费，就不应再填收费金额或件数",
                "「是否收取信息处理费」选了「否」，金额却填了 50 元：未收取请把金额改为 0，收取了请改选「是」",
            ),
        ),
    ),
    (
        "结构和格式",
        (
            Rule(
                "G-1",
                "部分标题",
                EITHER_TEXT,
                "六个部分标题齐全、顺序正确、措辞规范（校验已发布的报告时）",
                "缺少「五、存在的主要问题及改进情况」是错误；写成「五、存在问题及改进措施」是提醒",
            ),
            Rule(
                "G-2",
                "格式版本",
                EITHER_TEXT,
                "表格格式与报告年度相符：2020 年度及以前用 2019 年版，2021 年度起用 2021 年版",
                "2022 年度报告用了 2019 年版的表格：请用 nianbao form --year 2022 生成的填报表",
            ),
            Rule(
                "G-3",
                "总体情况要点",
                WARNING_TEXT,
                "总体情况涵盖政府信息管理、平台建设、监督保障（条例第五十条）",
                "没有填写「（五）监督保障」：请补充考核、评议和责任追究情况",
            ),
            Rule("G-4", "存在问题", ERROR_TEXT, "第五部分写明存在的主要问题和改进措施", "第五部分是空的"),
            Rule(
                "G-5",
                "收费说明",
                WARNING_TEXT,
                "说明本年度信息处理费的收取情况（金额或未收取）",
                "没有选择是否收取信息处理费，第六部分也没有说明",
            ),
            Rule(
                "G-6",
                "发布日期",
                WARNING_TEXT,
                "报告在次年 1 月 31 日前公布（check --deadline 可改期限）",
                "发布日期 2026-02-05 晚于 2026-01-31 的公布期限 5 天",
            ),
            Rule(
                "P-1",
                "占位文字",
                ERROR_TEXT,
                "正文中没有残留参考段落里的【…】占位文字",
                "「（三）政府信息管理」还有「【】件次」：请补写实际数字并删去【】",
            ),
        ),
    ),
    (
        "正文和单位信息",
        (
            Rule(
                "T-1",
                "正文与表格",
                WARNING_TEXT,
                "正文中的数字和说法与表格一致",
                "正文写「收到申请20件」，表格中本年新收 16 件",
            ),
            Rule(
                "T-3",
                "自称",
                WARNING_TEXT,
                "正文中的自称（我镇、我乡、本街道、我局……）与机关名称的层级一致",
                "镇人民政府的报告里写了「我乡」：请统一改为「我镇」",
            ),
            Rule(
                "A-1",
                "联系方式",
                WARNING_TEXT,
                "邮编为 6 位数字，电话为区号加号码或手机号，电子邮箱形如 name@example.gov.cn",
                "邮编填了「21110」（少一位）；电子邮箱填了「qsjd＠example.gov.cn」（全角＠）",
            ),
        ),
    ),
    (
        "与上一年度对照（--previous）",
        (
            Rule(
                "X-1",
                "上年结转",
                WARNING_TEXT,
                "本年「二、上年结转」= 上年报告的「四、结转下年度」（每一列）",
                "本年上年结转为 2，上年报告的结转下年度为 1",
            ),
            Rule(
                "X-2",
                "现行有效件数",
                WARNING_TEXT,
                "现行有效件数 = 上年现行有效件数 + 本年制发 − 本年废止（2021 年版）",
                "上年 10 件 + 制发 3 件 − 废止 1 件 = 12 件，本年却填了 11 件",
            ),
            Rule(
                "T-2",
                "照搬往年",
                WARNING_TEXT,
                "正文不照搬上年报告（同一部分相同超过一半时提醒）",
                "第五部分与上年报告的相同部分有 92% 相同：请按本年度实际情况改写",
            ),
        ),
    ),
    (
        "汇总（batch）",
        (
            Rule(
                "H-1",
                "上下级合计",
                EITHER_TEXT,
                "本级政府自己的报告中的数字 = 汇总的各下级单位之和（逐格核对，差额写明）",
                "县政府报告「一、本年新收」自然人为 120，各乡镇之和为 118，相差 2：请核对县报告或漏报的单位",
            ),
        ),
    ),
    (
        "Excel 填报表",
        (
            Rule(
                "F-1",
                "必填项",
                ERROR_TEXT,
                "填报表的必填项（机关名称、发布日期、是否收取信息处理费）已填且有效",
                "「基本信息」B7 机关名称没有填写",
            ),
            Rule(
                "F-2",
                "总计公式",
                WARNING_TEXT,
                "填报表中灰色总计格的公式没有被删除或改动",
                "「三、依申请公开」J6 的公式被改成了数字：报告中的总计按分项重新计算，请恢复公式",
            ),
        ),
    ),
    (
        "导入已发布的报告",
        (
            Rule(
                "I-1",
                "表格缺失",
                ERROR_TEXT,
                "报告中找得到每一张表格和每一行",
                "没有找到第四部分的表格，表中数据均未读取",
            ),
            Rule(
                "I-2",
                "行对不齐",
                ERROR_TEXT,
                "一行的格子数与规范表格的列数对得上",
                "「一、本年新收」一行找到 5 个数，表格应有 7 列",
            ),
            Rule(
                "I-3",
                "多余格子",
                WARNING_TEXT,
                "一行没有多余的格子、没有重复出现、行标签不空白",
                "「（一）予以公开」一行出现了两次，只读取了第一次",
            ),
            Rule(
                "I-4",
                "无法对应",
                ERROR_TEXT,
                "表格中的每个数都能对应到规范表格的一行",
                "表格末尾有一行数无法对应到任何一行，未读取",
            ),
            Rule(
                "I-5",
                "缺单位或日期",
                WARNING_TEXT,
                "标题或落款中找得到机关名称、年度和发布日期",
                "没有从标题或落款中找到机关名称",
            ),
            Rule(
                "I-6", "残留占位", WARNING_TEXT, "发布的正文中没有残留的占位文字", "正文中还留有「XX件」这样的占位文字"
            ),
            Rule(
                "I-7",
                "数字连写",
                EITHER_TEXT,
                "表格中的数字之间有分隔；连在一起时按本表的勾稽关系拆分，只有一种拆法才读取",
                "「一、本年新收」写成 640020470：只有 64 0 0 2 0 4 70 使勾稽关系成立，已读取并提醒；有几种拆法时不读取",
            ),
            Rule(
                "I-8",
                "自加部分",
                WARNING_TEXT,
                "报告只有规定的六个部分；自加的部分（如单列的收费情况表）被跳过",
                "「四、政府信息公开收费及减免情况」不是规定的部分，其中的表格未读取，其后的规范表格照常读取",
            ),
            Rule(
                "S-1",
                "扫描未证实",
                ERROR_TEXT,
                "扫描件（图片）中识别出的数字，只有所在的合计关系成立时才读取",
                "第二部分「规章」「本年制发件数」识别为 0，这张表没有合计关系可以核对，未读取：请对照原件填写",
            ),
        ),
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for _, rules in RULE_GROUPS for rule in rules}


def rule_name(rule_id: str) -> str:
    """The short Chinese name of a rule id, or "" for an id that is not a rule (a batch stage)."""
    rule = RULES.get(rule_id)
    return rule.name if rule else ""
