"""The radar SVG is portable: librsvg (rsvg-convert) draws it as Qt's own renderer does."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from app.gui.assess_tab import AssessTab

WIDTH, HEIGHT = 665, 568
# A pixel "differs" when a channel is off by more than this (of 255): anti-aliasing and
# hinting differ between the two renderers by less; a wrong stroke or fill by far more.
CHANNEL_TOLERANCE = 64
MAX_DIFFERING_SHARE = 0.02


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    row = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, row * image.height())
    return data.reshape(image.height(), row)[:, :image.width() * 3].reshape(
        image.height(), image.width(), 3).astype(int)


def qt_render(svg: str) -> QImage:
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    QSvgRenderer(svg).render(painter, QRectF(0, 0, WIDTH, HEIGHT))
    painter.end()
    return image


@pytest.fixture
def exported(qtbot, store, tmp_path):
    tab = AssessTab(store)
    qtbot.addWidget(tab)
    tab.show()
    tab.chart.resize(WIDTH, HEIGHT)
    path = tmp_path / "radar.svg"
    tab.export(path)
    return path


def test_svg_has_no_non_scaling_strokes_nor_scaled_matrices(exported):
    text = exported.read_text(encoding="utf-8")
    assert "non-scaling-stroke" not in text
    # Every group is drawn in page coordinates: identity matrices only.
    matrices = {part.split(")")[0] for part in text.split("matrix(")[1:]}
    assert matrices == {"1,0,0,1,0,0"}


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
def test_librsvg_renders_the_radar_as_qt_does(exported, tmp_path):
    png = tmp_path / "rsvg.png"
    subprocess.run(["rsvg-convert", "--background-color", "white", "-w", str(WIDTH), "-h",
                    str(HEIGHT), "-o", str(png), str(exported)], check=True, timeout=60)
    theirs = pixels(QImage(str(png)))
    ours = pixels(qt_render(str(exported)))
    assert theirs.shape == ours.shape
    differing = (np.abs(theirs - ours).max(axis=2) > CHANNEL_TOLERANCE).mean()
    assert differing < MAX_DIFFERING_SHARE
    # Not two blank pictures agreeing: the current series' blue is drawn in both.
    accent = np.array([0x2B, 0x5D, 0x9B])
    for image in (theirs, ours):
        blue = (np.abs(image - accent).max(axis=2) < 24).mean()
        assert 0.002 < blue < 0.05  # a 3 px outline and dots, not a solid blue shape
