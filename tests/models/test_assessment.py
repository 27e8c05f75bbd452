"""ASSESSMENT.md: the level derivation, each gate and the boundaries."""

from __future__ import annotations

import pytest

from models.assessment import (
    AssessmentScores,
    derive_level,
    design_evidence_level,
    score_assessment,
)
from models.evaluation import evaluate
from tests.conftest import TODAY

#          vis gov aut enf key mon agi ppl


@pytest.mark.parametrize(("scores", "level"), [
    ((0, 0, 0, 0, 0, 0, 0, 0), 1),  # floor(0) is clamped to level 1
    ((2, 2, 2, 2, 2, 2, 2, 2), 2),
    ((3, 2, 3, 3, 0, 3, 0, 0), 3),  # mean 3, gates for 3 met
    ((3, 1, 3, 3, 5, 3, 5, 5), 2),  # gate: governance ≥ 2 for level 3
    ((2, 5, 4, 4, 5, 4, 5, 5), 2),  # mean 3.5 but visibility < 3
    ((4, 2, 4, 4, 0, 4, 0, 0), 4),
    ((3, 2, 5, 5, 0, 5, 0, 0), 3),  # mean 4.5; level 4 needs visibility ≥ 4
    ((4, 2, 3, 5, 0, 5, 0, 0), 3),  # mean 4.25; level 4 needs automation ≥ 4
    ((5, 2, 5, 5, 0, 5, 4, 0), 5),
    ((5, 2, 5, 5, 5, 5, 3, 5), 4),  # level 5 needs agility ≥ 4
    ((3, 2, 3, 2, 0, 3, 0, 0), 2),  # mean 2.75 floors to 2
])
def test_derive_level(scores, level):
    assert derive_level(scores).level == level


def test_derive_level_explains_what_holds_it_back():
    result = derive_level((2, 3, 2, 2, 3, 2, 1, 2))
    assert (result.level, result.name) == (2, "Tooled")
    assert any("Visibility ≥ 3" in reason for reason in result.held_by)
    assert "raise Visibility to 3" in result.to_next


def test_score_assessment_overall_is_the_mean_of_all_eight(worked_example):
    result = score_assessment(worked_example.assessment)
    assert result.current_overall == 17 / 8
    assert result.target_overall == 31 / 8
    assert (result.current_level.level, result.target_level.level) == (2, 4)


@pytest.mark.parametrize("bad", [(1,) * 7, (1, 2, 3, 4, 5, 6, 7, 8)])
def test_assessment_scores_validated(bad):
    with pytest.raises(ValueError, match="scores"):
        AssessmentScores(current=bad, target=(0,) * 8)


def test_design_evidence_level_three_only_when_rule_routed(worked_example):
    assert design_evidence_level(classified=True, rule_routed=True) == 3
    assert design_evidence_level(classified=True, rule_routed=False) is None
    assert evaluate(worked_example, today=TODAY).design_level == 3
