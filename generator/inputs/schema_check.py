"""A data file checked against its JSON Schema (``datafile.json_schema``) as jsonschema's Draft 2020-12 validator
checks it, for the keywords that schema uses (type, enum, minimum, maximum, properties, additionalProperties,
required): the same errors, with the same paths, values and messages, in the same order.

Importing jsonschema (attrs, referencing, its format checkers and bundled metaschemas) took 36 ms CPU of every
start, for a check that takes 4 ms; this module takes under 1 ms. tests/test_pdf_coldstart.py compares its
errors with jsonschema's on broken data files (jsonschema is a test dependency).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any


@dataclass(frozen=True)
class SchemaError:
    """One failed keyword, named as jsonschema's ``ValidationError`` names it."""

    path: tuple  # the keys from the top of the file to the value
    validator: str  # the keyword
    validator_value: Any  # the keyword's value in the schema
    instance: Any  # the value checked
    schema: dict  # the schema the keyword is in
    _describe: Callable[[], str]

    @property
    def message(self) -> str:
        return self._describe()  # made when read: a value's repr can be long


def schema_errors(instance: Any, schema: dict, path: tuple = ()) -> Iterator[SchemaError]:
    """The errors of ``instance`` against ``schema``, keyword by keyword in the schema's order, each keyword's
    errors as it finds them (a property's errors where ``properties`` is)."""
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS:
            continue
        check = KEYWORDS.get(keyword)
        if check is None:  # never skipped in silence: a keyword added to the schema needs its check here
            raise NotImplementedError(f"schema_check has no check for the JSON Schema keyword {keyword!r}")
        for found in check(value, instance, schema, path):
            if isinstance(found, SchemaError):
                yield found
            else:
                yield SchemaError(path, keyword, value, instance, schema, found)


Found = Iterator["SchemaError | Callable[[], str]"]


def _type(types: Any, instance: Any, schema: dict, path: tuple) -> Found:
    types = [types] if isinstance(types, str) else types
    if not any(is_type(instance, kind) for kind in types):
        yield lambda: f"{instance!r} is not of type {', '.join(repr(kind) for kind in types)}"


def _enum(enums: list, instance: Any, schema: dict, path: tuple) -> Found:
    if all(not equal(each, instance) for each in enums):
        yield lambda: f"{instance!r} is not one of {enums!r}"


def _minimum(minimum: Any, instance: Any, schema: dict, path: tuple) -> Found:
    if is_type(instance, "number") and instance < minimum:
        yield lambda: f"{instance!r} is less than the minimum of {minimum!r}"


def _maximum(maximum: Any, instance: Any, schema: dict, path: tuple) -> Found:
    if is_type(instance, "number") and instance > maximum:
        yield lambda: f"{instance!r} is greater than the maximum of {maximum!r}"


def _properties(properties: dict, instance: Any, schema: dict, path: tuple) -> Found:
    if is_type(instance, "object"):
        for name, subschema in properties.items():
            if name in instance:
                yield from schema_errors(instance[name], subschema, (*path, name))


def _additional_properties(allowed: Any, instance: Any, schema: dict, path: tuple) -> Found:
    if allowed is not False or not is_type(instance, "object"):  # the schema has no other form
        return
    extras = sorted({name for name in instance if name not in schema.get("properties", {})}, key=str)
    if extras:
        names = ", ".join(repr(extra) for extra in extras)
        yield (
            lambda: (
                f"Additional properties are not allowed ({names} {'was' if len(extras) == 1 else 'were'} unexpected)"
            )
        )


def _required(required: list, instance: Any, schema: dict, path: tuple) -> Found:
    if is_type(instance, "object"):
        for name in required:
            if name not in instance:
                yield partial("{!r} is a required property".format, name)


ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "examples"})

KEYWORDS: dict[str, Callable[[Any, Any, dict, tuple], Found]] = {
    "type": _type,
    "enum": _enum,
    "minimum": _minimum,
    "maximum": _maximum,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "required": _required,
}


def is_type(instance: Any, kind: str) -> bool:
    """JSON types as Draft 2020-12 has them in Python: a bool is no number, 2.0 is an integer."""
    if kind == "object":
        return isinstance(instance, dict)
    if kind == "string":
        return isinstance(instance, str)
    if kind == "null":
        return instance is None
    if kind == "boolean":
        return isinstance(instance, bool)
    if kind == "array":
        return isinstance(instance, list)
    if isinstance(instance, bool):
        return False
    if kind == "integer":
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    if kind == "number":
        return isinstance(instance, numbers.Number)
    raise ValueError(f"unknown JSON type {kind!r}")


def equal(one: Any, two: Any) -> bool:
    """Equality as JSON has it: True is not 1, and lists and objects compare item by item alike."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and equal(value, two[key]) for key, value in one.items())
    return bool(_unbool(one) == _unbool(two))


_TRUE, _FALSE = object(), object()


def _unbool(value: Any) -> Any:
    return _TRUE if value is True else _FALSE if value is False else value
