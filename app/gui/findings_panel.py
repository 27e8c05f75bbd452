"""FindingsPanel: failure modes and exceptions of the design, each with its fix."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.gui.palette import WARNING_TONE
from app.gui.store import ProjectStore
from app.gui.widgets import heading, wrapped_label
from models.evaluation import Evaluation
from models.findings import Finding, Severity


class FindingCard(QFrame):
    """One finding: title, what was seen, the fix, and a link to the first type concerned."""

    show_type = Signal(str)

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.setObjectName("findingCard")
        self.setProperty("severity", finding.severity.value)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        kind = "Exception" if finding.severity is Severity.EXCEPTION else "Failure mode"
        title = QLabel(f"{kind} · {finding.title}")
        title.setStyleSheet(f"font-weight: 600; color: {WARNING_TONE.name()};")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(wrapped_label(finding.detail))
        layout.addWidget(wrapped_label(f"Fix: {finding.fix}", muted=True))
        if finding.type_ids:
            button = QPushButton("Show type")
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda: self.show_type.emit(finding.type_ids[0]))
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignLeft)


class FindingsPanel(QWidget):
    """Lists the evaluation's findings; says so plainly when there are none.

    Signals:
        show_type(type_id): the user asked to see a type a finding concerns.
    """

    show_type = Signal(str)

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = heading("Findings", level=2)
        self._cards = QVBoxLayout()
        self._cards.setSpacing(8)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addLayout(self._cards)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._title)
        layout.addWidget(scroll)
        self._shown: tuple[Finding, ...] | None = None
        store.evaluation_changed.connect(self.set_findings)
        self.set_findings(store.evaluation)

    def cards(self) -> list[FindingCard]:
        return [self._cards.itemAt(i).widget() for i in range(self._cards.count())
                if isinstance(self._cards.itemAt(i).widget(), FindingCard)]

    def set_findings(self, evaluation: Evaluation) -> None:
        findings = evaluation.findings
        if findings == self._shown:
            return  # most edits leave the findings as they were: keep the widgets
        self._shown = findings
        while self._cards.count():
            widget = self._cards.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self._title.setText(f"Findings ({len(findings)})" if findings else "Findings")
        if not findings:
            self._cards.addWidget(wrapped_label(
                "No failure modes detected: routing is parameterised, approvals have "
                "criteria, identity matches assurance and rework is tracked.", muted=True))
        for finding in findings:
            card = FindingCard(finding)
            card.show_type.connect(self.show_type)
            self._cards.addWidget(card)
