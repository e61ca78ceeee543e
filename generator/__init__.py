"""nianbao: 政府信息公开工作年度报告 — from data to a checked, typeset report (DOCX, HTML, PDF)."""

__version__ = "0.1.0"  # the only place the version is written (pyproject.toml reads it)
