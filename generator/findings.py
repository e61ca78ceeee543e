"""A finding: one rule that failed, where, with its operands, in plain Chinese."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from .rules import rule_name

ERROR, WARNING = "E", "W"
SEVERITY_NAMES = {ERROR: "错误", WARNING: "提醒"}


@dataclass
class Finding:
    rule: str  # stable id from the spec, e.g. "R3-1"
    severity: str  # ERROR or WARNING
    where: str  # a place a clerk can find: section · row · column, or sheet and cell, or a field
    message: str  # what is wrong and what to do, in Chinese
    path: str = ""  # machine path of the value, e.g. "requests.new.natural"
    operands: dict = field(default_factory=dict)
    difference: int | Decimal | None = None

    def text(self) -> str:
        """「错误 [R3-1 列平衡] 位置：说明」: the rule's short name beside its id."""
        label = " ".join(filter(None, (self.rule, rule_name(self.rule))))
        return f"{SEVERITY_NAMES[self.severity]} [{label}] {self.where}：{self.message}"

    def as_dict(self) -> dict:
        return {k: _jsonable(v) for k, v in asdict(self).items()}


def _jsonable(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "校验通过：未发现问题。"
    return f"共发现 {errors} 个错误、{warnings} 个提醒。"
