"""Inputs, Radar and Maturity sheets: named input cells and the maturity level as formulas."""

from __future__ import annotations

from exporters.workbook_book import Book, wrapped_height
from exporters.workbook_layout import (
    GATE_NAMES,
    INPUT_HEADERS,
    INPUT_NAMES,
    LEGAL_NAMES,
    ORGANISATION_NAMES,
    RADAR_HEADERS,
    gate_name,
)
from models.assessment import DIMENSIONS, GATES, LEVEL_BASIS, LEVEL_NAMES, Gate
from models.cost import SCALE_PRESETS, CostInputs, Scale, TicketsSource, input_unit
from models.evaluation import Evaluation, inventory_tickets
from models.legal_identity import LegalIdentity
from models.project import Project

ARTICLE = "[1] article, Cost analysis — Mid scale; [2] COST-MODEL.md"
SHARES = {"rework_rate", "reopen_rate", "blocking_share", "migration_share"}
# Input, Value, Unit, Key, Defined name, Source, Status, Notes: printable on one page wide.
INPUT_WIDTHS = (38, 12, 14, 22, 22, 30, 12, 36)
MONEY = {"hourly_rate", "blocked_day_cost", "migration_cost", "combined_run_cost"}


def _input_status(key: str, value: float) -> str:
    """WORKBOOK.md Status column: [S] where the article's mid-scale figure is kept."""
    mid = getattr(SCALE_PRESETS[Scale.MID], key)
    return "[S]" if value == mid else "assumption (edited)"


def write_inputs(book: Book, project: Project) -> None:
    """Every cost input, the organisation's settings and the maturity gates, each a named cell."""
    ws = book.sheet("Inputs")
    book.headers(ws, INPUT_HEADERS)
    table: list[list[object]] = []
    row = 1

    def put(label: str, value: object, unit: str, key: str, name: str, source: str,
            status: str, notes: str, fmt: object) -> None:
        nonlocal row
        values = [label, value, unit, key, name, source, status, notes]
        ws.write_row(row, 0, values)
        ws.write(row, 1, value, fmt)
        height = wrapped_height(values, INPUT_WIDTHS)
        if height:
            ws.set_row(row, height)
        book.name_cell(name, "Inputs", row, 1)
        table.append(values)
        row += 1

    def section(title: str) -> None:
        nonlocal row
        row += 1
        ws.write(row, 0, title, book.bold)
        row += 1

    org = project.organisation
    section("Organisation")
    put("Organisation", org.name, "", "organisation_name", ORGANISATION_NAMES[
        "organisation_name"], "Project file", "input", "", book.input)
    put("Tolerance for medium blast radius", org.tolerance.value, "low / medium / high",
        "tolerance", ORGANISATION_NAMES["tolerance"], "[3] ROUTING-RULES.md", "input",
        "Routing is computed by Certroute; re-import the workbook to re-route.", book.input)
    ws.data_validation(row - 1, 1, row - 1, 1, {"validate": "list",
                                                "source": "=ToleranceList"})
    reviewed = org.policy_last_reviewed.isoformat() if org.policy_last_reviewed else ""
    put("Policy last reviewed", reviewed, "YYYY-MM-DD", "policy_last_reviewed",
        ORGANISATION_NAMES["policy_last_reviewed"], "Project file", "input",
        "Workflow drift: older than the review interval is a finding.", book.input)
    put("Review interval", org.review_interval_months, "months", "review_interval_months",
        ORGANISATION_NAMES["review_interval_months"], "[3] ROUTING-RULES.md, failure mode 2",
        "input", "", book.input)
    legal = org.legal.model_dump(mode="json") if org.legal else {}
    for key, name in LEGAL_NAMES.items():
        field = key.removeprefix("legal.")
        put(LegalIdentity.model_fields[field].description or field, legal.get(field) or "",
            "", key, name, "Project file (Edit ▸ Organisation details…)", "input",
            "Named in OV and EV certificate subjects by the test CA." if field == "legal_name"
            else "", book.input)
    put("Migration share source", project.cost.migration_share_source.value, "preset / design",
        "migration_share_source", ORGANISATION_NAMES["migration_share_source"],
        "[2] COST-MODEL.md, Link to the routing design", "input",
        "design = share computed from the Routing sheet's volumes (Cost sheet).", book.input)
    ws.data_validation(row - 1, 1, row - 1, 1, {"validate": "list",
                                                "source": "=MigrationSourceList"})

    section("Cost model inputs (COST-MODEL.md)")
    inputs = project.cost.inputs
    inventory = inventory_tickets(project.types)
    from_inventory = project.cost.tickets_source is TicketsSource.INVENTORY and \
        inventory is not None
    for key, name in INPUT_NAMES.items():
        value = getattr(inputs, key)
        fmt = (book.input_share if key in SHARES else book.input_money if key in MONEY
               else book.input)
        source, status, notes = ARTICLE, _input_status(key, value), ""
        if key == "tickets_per_year" and from_inventory:
            # The count the app computed with: the as-is admin-mediated annual volumes.
            value, source, status = inventory, "Routing sheet (inventory)", "from the inventory"
            notes = "Annual volumes of the types issued admin-mediated as-is."
        put(CostInputs.model_fields[key].description or key, value,
            input_unit(key, project.currency.symbol), key, name, source, status, notes, fmt)
        limits = {"validate": "decimal", "criteria": ">=", "value": 0}
        if key in SHARES:
            limits = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}
        ws.data_validation(row - 1, 1, row - 1, 1, {**limits, "error_message": "Out of range."})

    section("Maturity gates (ASSESSMENT.md: a design choice, shown so it can be challenged)")
    minimums = {(g.level, i): m for g in GATES for i, m in g.minimums}
    for level, index, name in GATE_NAMES:
        put(f"Level {level} needs {DIMENSIONS[index].title} ≥", minimums[level, index],
            "score 0–5", name, name, "[4] ASSESSMENT.md gates", "design choice", "", book.input)

    for col, width in enumerate(INPUT_WIDTHS):
        ws.set_column(col, col, width, book.wrap)
    ws.freeze_panes(1, 0)
    # WORKBOOK.md: unlocked input cells on a protected sheet (no password: a guard, not a lock).
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True})
    book.print_setup(ws)


def write_radar(book: Book, project: Project) -> None:
    """Eight dimensions × current/target, with a native radar chart fixed to the 0–5 scale."""
    ws = book.sheet("Radar")
    book.headers(ws, RADAR_HEADERS)
    scores = project.assessment
    for i, dim in enumerate(DIMENSIONS):
        r = i + 1
        ws.write(r, 0, dim.title)
        ws.write(r, 1, scores.current[i], book.input)
        ws.write(r, 2, scores.target[i], book.input)
        ws.write_formula(r, 3, f"=C{r + 1}-B{r + 1}", None, scores.target[i] - scores.current[i])
    n = len(DIMENSIONS)
    ws.data_validation(1, 1, n, 2, {"validate": "integer", "criteria": "between", "minimum": 0,
                                    "maximum": 5, "error_message": "Scores are 0–5."})
    ws.write(n + 1, 0, "Overall (mean)", book.bold)
    for col, series in ((1, scores.current), (2, scores.target)):
        letter = "BC"[col - 1]
        # Shown to one decimal, as the Assess tab and the report show it (2.125 is "2.1").
        ws.write_formula(n + 1, col, f"=AVERAGE({letter}2:{letter}{n + 1})", book.score,
                         sum(series) / n)
    chart = book.wb.add_chart({"type": "radar", "subtype": "marker"})
    # The app's colours: current in the accent blue, target in grey (app/gui/palette.py).
    for col, colour in ((1, "#2B5D9B"), (2, "#8A8F98")):
        letter = "BC"[col - 1]
        chart.add_series({
            "name": f"=Radar!${letter}$1",
            "categories": f"=Radar!$A$2:$A${n + 1}",
            "values": f"=Radar!${letter}$2:${letter}${n + 1}",
            "line": {"color": colour}, "marker": {"type": "circle"},
        })
    chart.set_title({"name": "PKI Health Radar — current vs target"})
    chart.set_y_axis({"min": 0, "max": 5, "major_unit": 1})
    chart.set_size({"width": 620, "height": 440})
    ws.insert_chart("F2", chart)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 3, 10)
    ws.freeze_panes(1, 1)
    book.print_setup(ws, through=(23, 14))  # the chart: F2 and 620 × 440 px


def _gate_met(scores: tuple[int, ...], gate: Gate) -> bool:
    return all(scores[i] >= minimum for i, minimum in gate.minimums)


def _cap(scores: tuple[int, ...]) -> int:
    for gate in GATES:
        if not _gate_met(scores, gate):
            return gate.level - 1
    return 5


def write_maturity(book: Book, project: Project, evaluation: Evaluation) -> None:
    """The derived level as live formulas on the Radar scores and the named gate minimums."""
    ws = book.sheet("Maturity")
    book.headers(ws, ("Step", "Current", "Target", "How (ASSESSMENT.md)"))
    series = (project.assessment.current, project.assessment.target)
    result = evaluation.assessment
    levels = (result.current_level, result.target_level)
    basis = ", ".join(DIMENSIONS[i].title for i in LEVEL_BASIS)
    for j, col in enumerate("BC"):
        scores, level = series[j], levels[j]
        radar = [f"Radar!{col}{i + 2}" for i in range(len(DIMENSIONS))]
        # (row label, formula, cached value, explanation), one row each; rows are 2-based here.
        steps: list[tuple[str, str, object, str]] = [
            ("Basis mean", f"=AVERAGE({','.join(radar[i] for i in LEVEL_BASIS)})",
             level.basis_mean, f"mean of {basis}"),
            ("Floor of the mean", f"=INT({col}2)", int(level.basis_mean), "level before gates"),
        ]
        gate_rows = []
        for gate in GATES:
            tests = ",".join(f"{radar[i]}>={gate_name(gate.level, i)}" for i, _m in gate.minimums)
            gate_rows.append(len(steps) + 2)
            steps.append((f"Gate for level {gate.level} met", f"=AND({tests})",
                          _gate_met(scores, gate),
                          " and ".join(f"{DIMENSIONS[i].title} ≥ {gate_name(gate.level, i)}"
                                       for i, _m in gate.minimums)))
        cap = "5"
        for gate, r in zip(reversed(GATES), reversed(gate_rows), strict=True):
            cap = f"IF(NOT({col}{r}),{gate.level - 1},{cap})"
        steps.append(("Level allowed by the gates", f"={cap}", _cap(scores),
                      "the first failing gate caps the level"))
        cap_row = len(steps) + 1
        steps.append(("Level", f"=MAX(1,MIN({col}3,{col}{cap_row}))", level.level,
                      "floor of the mean, capped by the gates; 1–5"))
        names = ",".join(f'"{LEVEL_NAMES[k]}"' for k in sorted(LEVEL_NAMES))
        steps.append(("Level name", f"=CHOOSE({col}{len(steps) + 1},{names})", level.name,
                      "the article's five levels"))
        for r, (label, formula, cached, how) in enumerate(steps, start=1):
            ws.write(r, 0, label)
            ws.write(r, 3, how)
            ws.write_formula(r, j + 1, formula, None, cached)
    r = len(steps) + 2
    ws.write(r, 0, "Certroute's level at export", book.bold)
    ws.write_row(r, 1, [f"{lv.level} {lv.name}" for lv in levels])
    if evaluation.design_level is not None:
        ws.write(r + 1, 0, "Routing design evidences level", book.bold)
        ws.write(r + 1, 1, evaluation.design_level)
        ws.write(r + 1, 3, "every type classified and routed by an explicit rule (article)")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 3, 70, book.wrap)
    ws.freeze_panes(1, 1)
    book.print_setup(ws)
