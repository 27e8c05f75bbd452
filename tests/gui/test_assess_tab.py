"""Assess tab wiring: sliders → store → radar data and level; one drag = one undo step; export."""

from __future__ import annotations

import math

import pytest
from PySide6.QtGui import QImage

from app.gui import commands
from app.gui.assess_tab import AssessTab
from models.assessment import AssessmentScores
from models.project import Project

VISIBILITY, GOVERNANCE = 0, 1
EXAMPLE_CURRENT = (2, 3, 2, 2, 3, 2, 1, 2)
EXAMPLE_TARGET = (4, 4, 4, 4, 4, 4, 4, 3)


@pytest.fixture
def tab(qtbot, store):
    widget = AssessTab(store)
    qtbot.addWidget(widget)
    return widget


def radii(curve) -> list[float]:
    """Scores read back from a series' polygon: distance from the centre × 5, closing point
    dropped."""
    x, y = curve.getData()
    return [round(math.hypot(px, py) * 5, 9) for px, py in zip(x[:-1], y[:-1], strict=True)]


def drag(slider, *values) -> None:
    """Press the handle, move through `values`, release — as a mouse drag does."""
    slider.setSliderDown(True)
    for value in values:
        slider.setValue(value)
    slider.setSliderDown(False)


def test_tab_shows_the_example_scores(tab):
    assert [row.slider.value() for row in tab.rows] == list(EXAMPLE_CURRENT)
    assert [row.target.value() for row in tab.rows] == list(EXAMPLE_TARGET)
    assert radii(tab.chart.current_curve) == list(EXAMPLE_CURRENT)
    assert radii(tab.chart.target_curve) == list(EXAMPLE_TARGET)
    assert tab.level.text() == "Level 2 · Tooled"
    assert tab.overall.text() == "2.1 / 5"


def test_slider_move_updates_chart_data_and_level(tab, store):
    tab.rows[VISIBILITY].slider.setValue(0)
    assert store.project.assessment.current[VISIBILITY] == 0
    assert radii(tab.chart.current_curve)[VISIBILITY] == 0
    # mean of dims 1, 3, 4, 6 drops to 1.5
    assert tab.level.text() == "Level 1 · Ad-hoc"
    assert tab.to_next.text().startswith("To reach level 2 · Tooled")
    assert "to 2 (+2 points)" in tab.to_next.text()


def test_slider_points_along_its_own_axis(tab):
    tab.rows[GOVERNANCE].slider.setValue(5)
    x, y = tab.chart.current_curve.getData()
    # the second axis points 45° clockwise from the top; 5 reaches the outer ring
    assert x[GOVERNANCE] == pytest.approx(math.cos(math.radians(45)))
    assert y[GOVERNANCE] == pytest.approx(math.sin(math.radians(45)))


def test_chart_redraws_while_the_slider_is_dragged(tab):
    slider = tab.rows[VISIBILITY].slider
    slider.setSliderDown(True)
    seen = []
    for value in (3, 4, 5):
        slider.setValue(value)
        seen.append(radii(tab.chart.current_curve)[VISIBILITY])
    slider.setSliderDown(False)
    assert seen == [3, 4, 5]
    assert tab.rows[VISIBILITY].value.text() == "5"


def test_a_drag_is_one_undo_step_and_undo_restores_chart_and_level(tab, store):
    drag(tab.rows[VISIBILITY].slider, 1, 0)
    assert tab.level.text() == "Level 1 · Ad-hoc"
    assert store.undo_stack.count() == 1
    assert store.undo_stack.undoText() == "Score Visibility (current)"

    store.undo_stack.undo()
    assert store.project.assessment.current == EXAMPLE_CURRENT
    assert tab.rows[VISIBILITY].slider.value() == 2
    assert radii(tab.chart.current_curve) == list(EXAMPLE_CURRENT)
    assert tab.level.text() == "Level 2 · Tooled"
    assert store.undo_stack.count() == 1  # showing the undone value pushed nothing


def test_two_drags_are_two_undo_steps(tab, store):
    drag(tab.rows[VISIBILITY].slider, 3, 4)
    drag(tab.rows[VISIBILITY].slider, 5)
    assert store.undo_stack.count() == 2
    store.undo_stack.undo()
    assert store.project.assessment.current[VISIBILITY] == 4


def test_target_spin_box_edits_the_target_series(tab, store):
    tab.rows[VISIBILITY].target.setValue(5)
    assert store.project.assessment.target[VISIBILITY] == 5
    assert store.project.assessment.current == EXAMPLE_CURRENT
    assert radii(tab.chart.target_curve)[VISIBILITY] == 5
    assert store.undo_stack.undoText() == "Score Visibility (target)"


def test_gate_reasoning_names_what_holds_the_level_back(tab):
    assert "gate: level 3 needs Visibility ≥ 3 (is 2)" in tab.held_by.text()
    assert tab.target_level.text() == "Target: level 4 · Integrated"


def test_design_evidence_shown_only_when_it_differs(tab, store):
    assert tab.design.isVisibleTo(tab)
    assert "evidences level 3 · Operationalised" in tab.design.text()
    level_3 = AssessmentScores(current=(3,) * 8, target=EXAMPLE_TARGET)
    commands.edit_section(store, "assessment", level_3, "Score all 3")
    assert tab.level.text() == "Level 3 · Operationalised"
    assert not tab.design.isVisibleTo(tab)


def test_new_document_resets_the_sliders(tab, store):
    store.replace_document(Project(), None)
    assert [row.slider.value() for row in tab.rows] == [0] * 8
    assert radii(tab.chart.current_curve) == [0] * 8
    assert store.undo_stack.count() == 0


def test_export_png_and_svg(tab, tmp_path):
    tab.resize(1400, 900)
    tab.show()
    png, svg = tmp_path / "radar.png", tmp_path / "radar.svg"
    tab.export(png)
    tab.export(svg)
    image = QImage(str(png))
    assert image.width() == tab.chart.width()  # pixel for pixel as on screen
    assert png.stat().st_size > 20_000
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml")
    assert "<svg" in text
    assert "Visibility" in text
    assert "<image" not in text  # vectors only: no cached bitmaps in the drawing
    # Every axis label is real text in the drawing (portability: tests/gui/test_radar_svg.py).
    assert all(f"{now} → {goal}" in text for now, goal in zip(EXAMPLE_CURRENT, EXAMPLE_TARGET,
                                                             strict=True))


def test_export_to_an_unwritable_place_reports_an_error(tab, store, qtbot, tmp_path):
    with qtbot.waitSignal(store.error) as blocker:
        tab.export(tmp_path / "missing" / "radar.svg")
    assert "Radar not exported" in blocker.args[0]
