"""The HTML parser's text-scanning patterns built once per set of characters."""

from __future__ import annotations

import re
from typing import Any


class _ScanPatterns(dict):
    """tinyhtml5's ``chars_until`` caches the pattern it builds for a set of characters under the wrong key
    (the compiled pattern instead of the characters: tinyhtml5 2.1.0), so it builds it again at every call:
    1,700 times a report, 55 % of the HTML parse. This cache answers the lookup by building the pattern as
    ``chars_until`` does, once per set of characters."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern:
        characters, opposite = key
        pattern = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            pattern = f"^{pattern}"
        compiled = self[key] = re.compile(f"[{pattern}]+")
        return compiled


def html_parser_regexes_cached() -> None:
    from tinyhtml5 import inputstream

    if type(getattr(inputstream, "characters_until_regex", None)) is dict:
        inputstream.characters_until_regex = _ScanPatterns()
