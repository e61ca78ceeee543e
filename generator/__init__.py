"""nianbao: 政府信息公开工作年度报告 — from data to a checked, typeset report (DOCX, HTML, PDF)."""
from pathlib import Path

__version__ = "0.1.0"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
