"""FindingsPanel: failure modes and exceptions of the design, each with its fix."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from app.gui.labels import WrappedLabel
from app.gui.palette import WARNING_TONE
from app.gui.steady_scroll_area import SteadyScrollArea
from app.gui.store import ProjectStore
from app.gui.widgets import heading, wrapped_label
from models.evaluation import Evaluation
from models.findings import INDUSTRY_RULE_CODES, Finding, Severity

NONE_FOUND = ("No failure modes detected: routing is parameterised, approvals have criteria, "
              "identity matches assurance and rework is tracked.")


class FindingCard(QFrame):
    """One finding: title, what was seen, the fix, and a link to the first type concerned.

    Cards are reused as findings come and go (`set_finding`): creating and styling widgets
    on every edit costs more than the rest of the edit together.

    A card is measured by itself, not by the panel's layout: its content sits in a body
    widget it places on resize, and it tells the panel one fixed height. At 5,000 types the
    per-type findings make hundreds of cards, and a layout of height-for-width widgets asked
    every card's wrapped labels their heights again whenever one card changed.
    """

    show_type = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding: Finding | None = None
        self.setObjectName("findingCard")
        self._body = QWidget(self)
        layout = self._body_layout = QVBoxLayout(self._body)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        # Wrapped labels that remember their measurements: findings change on most edits.
        self.title = WrappedLabel()
        self.title.setStyleSheet(f"font-weight: 600; color: {WARNING_TONE.name()};")
        self.title.setWordWrap(True)
        self.detail = wrapped_label(cls=WrappedLabel)
        self.fix = wrapped_label(muted=True, cls=WrappedLabel)
        self.button = QPushButton("Show type")
        self.button.setFlat(True)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self._on_button_clicked)
        for widget in (self.title, self.detail, self.fix):
            layout.addWidget(widget)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignLeft)

    def _fit(self) -> None:
        """Place the body at the card's width and take the height it needs there."""
        width = self.width()
        height = self._body_layout.totalHeightForWidth(width)
        self._body.setGeometry(0, 0, width, height)
        if self.minimumHeight() != height or self.maximumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def set_finding(self, finding: Finding) -> None:
        self.finding = finding
        kind = "Exception" if finding.severity is Severity.EXCEPTION else (
            "Industry rule" if finding.code in INDUSTRY_RULE_CODES else "Failure mode")
        self.title.setText(f"{kind} · {finding.title}")
        self.detail.setText(finding.detail)
        self.fix.setText(f"Fix: {finding.fix}")
        self.button.setVisible(bool(finding.type_ids))
        self._fit()

    def _on_button_clicked(self) -> None:
        if self.finding is not None and self.finding.type_ids:
            self.show_type.emit(self.finding.type_ids[0])


class FindingsPanel(QWidget):
    """Lists the evaluation's findings; says so plainly when there are none.

    Signals:
        show_type(type_id): the user asked to see a type a finding concerns.
    """

    show_type = Signal(str)
    PAGE = 25  # cards shown at first, and added by each "Show more"

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = heading("Findings", level=2, cls=WrappedLabel)
        self._none = wrapped_label(NONE_FOUND, muted=True)
        self._cards: list[FindingCard] = []
        self._card_layout = QVBoxLayout()
        self._card_layout.setSpacing(8)
        self._card_layout.addWidget(self._none)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addLayout(self._card_layout)
        # Hundreds of per-type findings at 5,000 types: cards are made a page at a time.
        self._limit = self.PAGE
        self.more_button = QPushButton()
        self.more_button.clicked.connect(self._on_more_clicked)
        inner_layout.addWidget(self.more_button, alignment=Qt.AlignmentFlag.AlignLeft)
        inner_layout.addStretch(1)
        self.scroll_area = scroll = SteadyScrollArea(inner)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._title)
        layout.addWidget(scroll)
        self._shown: tuple[Finding, ...] | None = None
        store.evaluation_changed.connect(self.set_findings)
        self.set_findings(store.evaluation)

    def cards(self) -> list[FindingCard]:
        """The cards showing findings now, in order."""
        return [card for card in self._cards if card.finding is not None]

    def set_findings(self, evaluation: Evaluation) -> None:
        findings = evaluation.findings
        if findings == self._shown:
            return  # most edits leave the findings as they were
        self._shown = findings
        self._show(findings)

    def _on_more_clicked(self) -> None:
        self._limit += self.PAGE
        if self._shown is not None:
            self._show(self._shown)

    def _show(self, findings: tuple[Finding, ...]) -> None:
        shown = findings[:self._limit]
        while len(self._cards) < len(shown):
            card = FindingCard()
            card.show_type.connect(self.show_type)
            self._card_layout.addWidget(card)
            self._cards.append(card)
        for card, finding in zip(self._cards, shown, strict=False):
            # Only the cards that change are touched: the others keep their measured sizes.
            if card.finding != finding:
                card.set_finding(finding)
            if card.isHidden():
                card.show()
        for card in self._cards[len(shown):]:
            card.finding = None
            card.hide()
        hidden = len(findings) - len(shown)
        self.more_button.setText(f"Show {min(hidden, self.PAGE)} more ({hidden:,} not shown)")
        self.more_button.setVisible(hidden > 0)
        self._none.setVisible(not findings)
        self._title.setText(f"Findings ({len(findings):,})" if findings else "Findings")
