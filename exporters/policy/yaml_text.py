"""A small YAML writer for Kubernetes manifests: block mappings and lists, quoted strings.

Enough for what the exporters emit (dicts, lists, str, int, bool); every string is written
double-quoted with JSON escapes, which YAML 1.2 reads as the same string, so no value can
turn into a bool, a number or a comment. Tests parse the output back with PyYAML.
"""

from __future__ import annotations

import json
from typing import Any


def _scalar(value: Any) -> str:
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"  # only empty ones get here
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{pad}{key}:")
                out += _lines(item, indent + 2)
            else:
                out.append(f"{pad}{key}: {_scalar(item)}")
        return out
    for item in value:
        if isinstance(item, dict) and item:
            inner = _lines(item, indent + 2)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out += inner[1:]
        elif isinstance(item, list) and item:
            raise TypeError("nested lists are not needed here")
        else:
            out.append(f"{pad}- {_scalar(item)}")
    return out


def dump(document: dict[str, Any]) -> str:
    """One YAML document."""
    return "\n".join(_lines(document, 0)) + "\n"


def dump_all(documents: list[dict[str, Any]], *, header: str = "") -> str:
    """Several documents separated by `---`, after an optional comment header."""
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + "".join(f"---\n{dump(d)}" for d in documents)
