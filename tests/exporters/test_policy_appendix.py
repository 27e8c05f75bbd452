"""The report's policy appendix: each target's losses, a sentence once with every type it hits."""

from __future__ import annotations

import re
from html import unescape

from exporters.policy.export import translations
from exporters.report_html import policy_appendix


def _rows(part: str) -> list[list[str]]:
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", part, flags=re.S)]


def test_each_loss_is_one_row_naming_every_type_it_applies_to(example, example_evaluation):
    parts = policy_appendix(example, example_evaluation)
    targets = list(translations(example, example_evaluation))
    assert len(parts) == len(targets)
    for part, (_folder, translation) in zip(parts, targets, strict=True):
        rows = [row for row in _rows(part) if row]
        # Every (what, detail) once, and every loss's type named on its row.
        assert len({(what, detail) for _types, what, detail in rows}) == len(rows)
        for loss in translation.losses:
            row = next(r for r in rows if (r[1], r[2]) == (loss.what, loss.detail))
            assert loss.type_name in row[0].split(", ")
        assert len(rows) < len(translation.losses)  # the example's losses repeat per type
