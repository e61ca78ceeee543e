"""The agency's name: from the title, the opening sentence or the 落款, and never from the page around it.

Portal pages and converters put text before the title that is not the report: a site banner
(「中国政府网重庆市人民政府首页」), a breadcrumb (「您当前所在位置:首页>乡镇信息公开>…」), an accessibility
toolbar (「关怀版」「无障碍」), a 「发布机构:」 field, a converter's 「正文」, a leading 「现公布」. They are
cut off; a name that still does not look like an agency's is not used. When the title and the 落款
name different agencies, a finding says so and the title's name is kept.
"""

from __future__ import annotations

import re

from ...findings import WARNING, Finding
from .items import compact

# Everything up to the last of these is page chrome, not the agency's name.
CHROME = re.compile(
    r"^.*(?:首页|当前位置|所在位置|您的位置|现在的位置|无障碍|关怀版|长者版|适老化|English|繁体|简体|>|›|»|"
    r"门户网站|政府网|打印本页|关闭窗口|分享到?[:：]?|字[号体][:：]|浏览次数|"
    r"(?:发布机构|发文机关|来源|标题|主办|承办|发布日期|发布时间|成文日期|生成日期)[:：]|正文)"
)
LEADING = re.compile(
    r"^(?:现公布|现将|特此公布|公布|关于|附件\d*[:：]?|(?:本|该)?(?:年度)?报告(?:由|是|系|为)|根据|依据|按照|"
    r"(?:政务公开|政府信息公开年报|信息公开年报|政府信息公开|信息公开|年报|年度)+)"
)
# Words that name a kind of government, not an agency: 「规章(设区的市、自治州人民政府应提供相关数据)」.
GENERIC = re.compile(r"^(?:设区的市|自治州|各级|上级|本级|县级以上|地方各级|市、|省、)")
SUFFIX = re.compile(
    r"(?:人民政府|政府|办事处|委员会|管委会|管理委员会|办公室|办公厅|局|厅|委|署|院|中心|镇|乡|街道|区|县|市|旗|州|处|所|站|队|馆|会|校)$"
)
MENU = re.compile(r"(?:年报|专栏|栏目|政务公开|信息公开)$")  # a line naming a part of the site, not the report
NAVIGATION = re.compile(r"^.*(?:年报|网站|报告|信息公开|政务公开)")
MIN_NAME = 5  # what is left after a menu is a name only this long (「大营镇人民政府」), not 「办公室」
SHAPE = re.compile(r"^[\u4e00-\u9fff（）()·]{2,40}$")


def clean_name(text: str) -> str:
    """The agency's name with the page's chrome around it cut off; "" when what is left is no agency name."""
    name = LEADING.sub("", CHROME.sub("", compact(text)))
    if (match := NAVIGATION.match(name)) and len(name) - match.end() >= MIN_NAME:
        name = name[match.end() :]  # 「…政务公开政府信息公开年报大营镇人民政府」: a menu run into the name
    for k in range(2, len(name) // 2 + 1):
        if name[k:].startswith(name[:k]) and SUFFIX.search(name[:k]):
            name = name[
                k:
            ]  # 「中埠镇人民政府中埠镇人民政府」「…>青山镇青山镇人民政府」: a field or crumb, then the title
            break
    return name if SHAPE.match(name) and SUFFIX.search(name) and not GENERIC.match(name) else ""


def same_agency(a: str, b: str) -> bool:
    """「淮安市洪泽区人民政府」 and 「洪泽区人民政府」 are one agency; so are 「青山镇」 and 「青山镇人民政府」."""
    return a in b or b in a


def disagreement(title: str, signer: str) -> Finding | None:
    """A warning when the title's agency and the 落款's differ. (The opening sentence often names the
    government above, 「根据××区人民政府…」: it is a source only when the title has no name.)"""
    if not title or not signer or same_agency(title, signer):
        return None
    return Finding(
        "I-5",
        WARNING,
        "标题",
        f"标题中的机关是「{title}」，落款是「{signer}」，两处不一致。已按标题读取，请核对 agency.name。",
        path="agency.name",
        operands={"标题": title, "落款": signer},
    )
