"""Files the package reads at run time (templates, CSS, the reference DOCX), through importlib.resources.

The repository keeps them in the top-level ``templates/`` folder; pyproject.toml maps that folder into the
wheel as the package ``generator.templates``, so the same code works from a checkout, an editable install
and a wheel.
"""

from __future__ import annotations

from importlib.resources import files

TEMPLATES_PACKAGE = "generator.templates"


def template(name: str):
    """A file of ``templates/`` (use ``.read_text()``, ``.read_bytes()`` or ``.open()``)."""
    return files(TEMPLATES_PACKAGE).joinpath(name)


def template_text(name: str) -> str:
    return template(name).read_text(encoding="utf-8")


def template_bytes(name: str) -> bytes:
    return template(name).read_bytes()
