"""The client report's content as HTML: title, summary, matrix, one section per type, appendix.

One source for the PDF (laid out by Qt's QTextDocument in app/gui/report/) and the
standalone HTML file. Charts are left to the caller: `chart(name, width, height)` returns
the markup that draws "radar", "cost" or "payback" (an inline SVG for the HTML file, an image
object the PDF renderer paints as vectors). The HTML keeps to what QTextDocument lays out:
tables with attributes, `<thead>` for headers repeated on every page, `page-break-before`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from exporters.policy.common import Loss
from exporters.policy.export import translations
from models import display
from models.assessment import DIMENSIONS
from models.certificate import CertificateType
from models.cliff import cliff_headline
from models.enums import Workflow
from models.evaluation import Evaluation
from models.findings import Finding, Severity
from models.project import Project
from models.routing import Decision

ChartMarkup = Callable[[str, int, int], str]

TOP_FINDINGS = 5
# Chart sizes in CSS pixels (1/96 in): they fit an A4 or Letter text width of 6.3 in.
RADAR_SIZE = (560, 470)
COST_SIZE = (600, 330)
PAYBACK_SIZE = (600, 300)

ACCENT = "#2b5d9b"
MUTED = "#5f6b76"
RULE = "#c9d1da"
HEAD_FILL = "#1f3864"
WORKFLOW_FILL = {Workflow.COMBINED: "#dcefe9", Workflow.ADMIN_MEDIATED: "#f8e7cf"}
WORKFLOW_TONE = {Workflow.COMBINED: "#1f7a68", Workflow.ADMIN_MEDIATED: "#b06a10"}
OVERRIDE_TONE = "#8a3ffc"

STYLE = f"""
body {{ font-size: 10pt; color: #1d2733; }}
h1 {{ font-size: 20pt; color: {ACCENT}; margin-top: 0; margin-bottom: 12px; }}
h2 {{ font-size: 14pt; color: {ACCENT}; margin-top: 18px; margin-bottom: 8px; }}
h3 {{ font-size: 11pt; margin-top: 14px; margin-bottom: 6px; }}
p {{ margin-top: 0; margin-bottom: 8px; }}
th {{ background-color: {HEAD_FILL}; color: white; font-weight: bold; text-align: left; }}
td, th {{ vertical-align: top; }}
.muted {{ color: {MUTED}; }}
.figure {{ font-size: 16pt; font-weight: bold; color: {ACCENT}; }}
.small {{ font-size: 8.5pt; }}
"""


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the title page says besides the project: the date of the figures and the author."""

    as_of: dt.date
    author: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A table-of-contents entry: its anchor, title and depth (1 chapter, 2 type)."""

    anchor: str
    title: str
    depth: int = 1


def sections(project: Project) -> list[Section]:
    """The report's chapters in reader order, each type a sub-entry of its chapter."""
    out = [Section("summary", "Executive summary"), Section("matrix", "Routing matrix"),
           Section("types", "Certificate types")]
    out += [Section(type_anchor(t), t.name, 2) for t in project.types]
    out += [Section("findings", "Findings and fixes"), Section("radar", "PKI Health Radar"),
            Section("cost", "Cost model"), Section("cliff", "The 47-day cliff"),
            Section("policy", "Appendix: policy as code — what each target loses")]
    return out


def type_anchor(ctype: CertificateType) -> str:
    return f"type-{ctype.id}"


def _e(text: object) -> str:
    return escape(str(text))


def _heading(level: int, anchor: str, title: str) -> str:
    return f'<h{level}><a name="{anchor}"></a>{_e(title)}</h{level}>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
           widths: Sequence[int] | None = None, fills: Sequence[str | None] | None = None,
           ) -> str:
    """A full-width table; `<thead>` makes QTextDocument repeat the header on every page."""
    cols = "".join(f'<th width="{w}%">{_e(h)}</th>' if widths else f"<th>{_e(h)}</th>"
                   for h, w in zip(headers, widths or [0] * len(headers), strict=True))
    body = []
    for n, row in enumerate(rows):
        fill = fills[n] if fills else None
        attr = f' bgcolor="{fill}"' if fill else ""
        body.append(f"<tr{attr}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return (f'<table width="100%" border="1" cellspacing="0" cellpadding="4" '
            f'style="border-collapse: collapse; border-color: {RULE};">'
            f"<thead><tr>{cols}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _facts(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f'<tr><td width="32%" class="muted">{_e(k)}</td><td>{v}</td></tr>'
                    for k, v in rows)
    return f'<table width="100%" cellspacing="0" cellpadding="3">{cells}</table>'


def _bullets(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _workflow(decision: Decision) -> str:
    tone = OVERRIDE_TONE if decision.overridden else WORKFLOW_TONE[decision.workflow]
    return f'<b><span style="color: {tone}">{_e(decision.workflow.value)}</span></b>'


def _rule(decision: Decision) -> str:
    return f"rule {decision.rule} bypassed" if decision.overridden else f"rule {decision.rule}"


def title_page(project: Project, meta: ReportMeta) -> str:
    org = project.organisation
    rows = [("Organisation", _e(org.name)), ("Figures as of", _e(meta.as_of.isoformat())),
            ("Author", _e(meta.author) if meta.author else '<span class="muted">—</span>'),
            ("Certificate types", _e(len(project.types)))]
    return (
        # Blank lines, not a top margin: QTextDocument drops the first block's margin.
        '<p style="font-size: 60pt;">&nbsp;</p>' * 2
        + '<p style="font-size: 11pt;" class="muted">Certroute</p>'
        '<h1 style="font-size: 26pt;">Certificate-issuance routing</h1>'
        f'<p style="font-size: 16pt; margin-bottom: 60px;">{_e(org.name)}</p>'
        + _facts(rows)
        + '<p class="small muted" style="margin-top: 80px;">Which certificate types an '
        "organisation should issue through a combined (automated, policy-enforced) workflow "
        "and which through an admin-mediated (human-approved) one, why, what it costs, and "
        "what the PKI's maturity allows. Figures are estimates from the inputs shown.</p>")


def contents(entries: Sequence[Section], pages: Mapping[str, int] | None) -> str:
    """The table of contents; `pages` gives each anchor's page once the PDF is laid out."""
    rows = []
    for entry in entries:
        indent = "&nbsp;" * 6 if entry.depth == 2 else ""
        title = f'<a href="#{entry.anchor}">{_e(entry.title)}</a>'
        weight = "" if entry.depth == 2 else ' style="font-weight: bold;"'
        page = "" if pages is None else _e(pages.get(entry.anchor, ""))
        rows.append(f"<tr><td{weight}>{indent}{title}</td>"
                    f'<td width="10%" align="right">{page}</td></tr>')
    return (_heading(1, "contents", "Contents")
            + f'<table width="100%" cellspacing="0" cellpadding="3">{"".join(rows)}</table>')


def executive_summary(project: Project, evaluation: Evaluation) -> str:
    amount = functools.partial(display.money, currency=project.currency)
    costs = evaluation.costs
    n = len(project.types)
    by_reason = Counter((d.workflow, d.label) for d in evaluation.decisions)
    why = [f"{count} {wf.value} — {label}"
           for (wf, label), count in sorted(by_reason.items(),
                                            key=lambda kv: (kv[0][0].value, -kv[1]))]
    level = evaluation.assessment.current_level
    target = evaluation.assessment.target_level
    findings = _top_findings(evaluation.findings)
    routing = (f"Of {n} certificate type(s), <b>{evaluation.combined_count}</b> route to the "
               f"combined workflow and <b>{evaluation.admin_count}</b> to the admin-mediated "
               "one:")
    money = [
        ("Annual cost today", f'<span class="figure">{_e(amount(costs.total_cost))}'
                              "</span>"),
        ("After migration", f'<span class="figure">{_e(amount(costs.projected_cost))}'
                            "</span>"),
        ("Annual saving", _e(amount(costs.annual_savings))),
        ("One-off migration cost", _e(amount(project.cost.inputs.migration_cost))),
        ("Payback", f"<b>{_e(display.months(costs.payback_months))}</b>"),
        ("Migrating share", f"{_e(display.percent(costs.migration_share))} "
                            f'<span class="muted">({_e(evaluation.migration.explanation)})'
                            "</span>"),
        ("Hidden cost today", f"{_e(amount(costs.hidden_cost))} "
                              f"({_e(display.percent(costs.hidden_share))} of the total: "
                              "rework and reopened tickets)"),
    ]
    maturity = (f"<p>Maturity: <b>level {level.level} · {_e(level.name)}</b> "
                f"(overall score {evaluation.assessment.current_overall:.1f} / 5); target "
                f"level {target.level} · {_e(target.name)}.</p>")
    held = ("<p>Held back by:</p>" + _bullets(level.held_by)) if level.held_by else ""
    top = ("<p>No findings: every type is routed by its rule and no failure mode was "
           "detected.</p>" if not findings else
           _bullets([f"{f.title} — {f.fix}" for f in findings]))
    return (_heading(1, "summary", "Executive summary")
            + f"<h3>Routing</h3><p>{routing}</p>" + _bullets(why)
            + "<h3>Cost of admin-mediated issuance</h3>" + _facts(money)
            + "<h3>Maturity</h3>" + maturity + held
            + f"<h3>Top findings ({len(evaluation.findings)} in all)</h3>" + top)


def _top_findings(findings: Sequence[Finding]) -> list[Finding]:
    ordered = sorted(findings, key=lambda f: f.severity is not Severity.EXCEPTION)
    return ordered[:TOP_FINDINGS]


def routing_matrix(project: Project, evaluation: Evaluation) -> str:
    rows, fills = [], []
    for ctype, decision in zip(project.types, evaluation.decisions, strict=True):
        rows.append([f'<a href="#{type_anchor(ctype)}">{_e(ctype.name)}</a>',
                     _e(display.describe(ctype)), _workflow(decision),
                     f"{_e(decision.label)}<br/>"
                     f'<span class="muted">{_e(_rule(decision))}</span>',
                     _e("" if ctype.annual_volume is None else f"{ctype.annual_volume:,}")])
        fills.append(WORKFLOW_FILL[decision.workflow])
    return (_heading(1, "matrix", "Routing matrix")
            + f"<p>{_e(evaluation.summary)}. Rules are applied in order; the first that "
            "matches decides (ROUTING-RULES.md).</p>"
            + _table(("Certificate type", "Profile", "Workflow", "Reason", "Volume / yr"), rows,
                     widths=(24, 34, 13, 19, 10), fills=fills))


def type_section(ctype: CertificateType, decision: Decision) -> str:
    """The type's decision card: workflow, rule and rationale, controls, components, override."""
    parts = [_heading(2, type_anchor(ctype), ctype.name),
             f'<p class="muted">{_e(display.describe(ctype))}'
             + (f" · owner: {_e(ctype.owner)}" if ctype.owner else "") + "</p>",
             f"<p>{_workflow(decision)} &nbsp;·&nbsp; <b>{_e(decision.label)}</b> · "
             f"{_e(_rule(decision))}</p>",
             f"<p>{_e(decision.rationale)}</p>"]
    if decision.note:
        parts.append(f'<p class="muted">Note: {_e(decision.note)}</p>')
    if decision.controls:
        parts.append("<h3>Controls to document</h3>" + _bullets(decision.controls))
    if decision.exceptions:
        parts.append("<h3>Exceptions</h3>" + _bullets(decision.exceptions))
    kind = "Combined" if decision.workflow is Workflow.COMBINED else "Admin-mediated"
    parts.append(f"<h3>{kind} workflow — the five components</h3>")
    parts.append(_facts([(k, _e(v) or '<span class="muted">—</span>')
                         for k, v in _components(ctype, decision.workflow)]))
    if ctype.override is not None:
        parts.append("<h3>Manual override</h3>" + _facts([
            ("Rule's decision", _e(decision.rule_workflow.value)),
            ("Overridden to", _e(ctype.override.workflow.value)),
            ("Justification", _e(ctype.override.justification))]))
    return "".join(parts)


def _components(ctype: CertificateType, workflow: Workflow) -> list[tuple[str, str]]:
    if workflow is Workflow.COMBINED:
        c = ctype.combined
        return [("Policy definition", c.policy_definition),
                ("Identity verification", c.identity_method), ("Issuance API", c.issuance_api),
                ("Delivery", c.delivery), ("Renewal automation", c.renewal)]
    a = ctype.admin
    approval = (f"{a.approvals_required} of {', '.join(a.approver_roles) or '—'}"
                + (f"; criteria: {'; '.join(a.approval_criteria)}" if a.approval_criteria
                   else ""))
    return [("Service catalogue entry", a.catalogue_channel), ("Approval", approval),
            ("Validation and fulfilment", a.validation),
            ("Delivery and acknowledgement", a.delivery),
            ("Renewal notices (days)", ", ".join(str(d) for d in a.notice_days))]


def findings(project: Project, evaluation: Evaluation) -> str:
    names = {t.id: t.name for t in project.types}
    body = _heading(1, "findings", "Findings and fixes")
    if not evaluation.findings:
        return body + ("<p>No findings: no failure mode of ROUTING-RULES.md was detected and "
                       "no type is overridden.</p>")
    rows = [[_e(f.severity.value), f"<b>{_e(f.title)}</b><br/>{_e(f.detail)}", _e(f.fix),
             _e(", ".join(names.get(i, i) for i in f.type_ids))] for f in evaluation.findings]
    return body + _table(("Severity", "Finding", "Fix", "Types"), rows, widths=(11, 39, 32, 18))


def radar(project: Project, evaluation: Evaluation, chart: ChartMarkup) -> str:
    scores = project.assessment
    result = evaluation.assessment
    rows = [[_e(d.title), _e(now), _e(goal), _e(goal - now)]
            for d, now, goal in zip(DIMENSIONS, scores.current, scores.target, strict=True)]
    rows.append(["<b>Overall (mean)</b>", f"<b>{result.current_overall:.1f}</b>",
                 f"<b>{result.target_overall:.1f}</b>", ""])
    level, target = result.current_level, result.target_level
    return (_heading(1, "radar", "PKI Health Radar")
            + f'<p align="center">{chart("radar", *RADAR_SIZE)}</p>'
            + _table(("Dimension", "Current", "Target", "Gap"), rows, widths=(52, 16, 16, 16))
            + f"<p>Level {level.level} · {_e(level.name)}; target level {target.level} · "
            f"{_e(target.name)}.</p>"
            + (("<p>To reach the next level:</p>" + _bullets(level.to_next))
               if level.to_next else ""))


def cost(project: Project, evaluation: Evaluation, chart: ChartMarkup) -> str:
    amount = functools.partial(display.money, currency=project.currency)
    c = evaluation.costs
    inputs = project.cost.inputs
    rows = [
        ("Analyst time (visible)", amount(c.analyst_cost),
         f"{inputs.tickets_per_year:,.0f} tickets × {display.hours(inputs.base_hours)} h × "
         f"{amount(inputs.hourly_rate)}/h"),
        ("Hidden rework + reopens", amount(c.hidden_cost),
         f"{display.hours(c.rework_hours + c.reopen_hours)} h per ticket on top of the base "
         "time"),
        ("Blocked services", amount(c.blocked_cost),
         f"{display.percent(inputs.blocking_share)} of tickets block a service for "
         f"{inputs.blocked_days:g} days at {amount(inputs.blocked_day_cost)}/day"),
        ("Total annual cost", amount(c.total_cost), ""),
        ("After migration", amount(c.projected_cost),
         f"{display.percent(c.migration_share)} of the volume migrates to combined"),
        ("Annual saving", amount(c.annual_savings), ""),
        ("Payback", display.months(c.payback_months),
         f"migration cost {amount(inputs.migration_cost)} ÷ monthly saving"),
    ]
    return (_heading(1, "cost", "Cost model")
            + "<p>The hidden-rework cost of admin-mediated issuance (COST-MODEL.md).</p>"
            + _table(("Figure", "Value", "How"), [[_e(a), f"<b>{_e(b)}</b>", _e(h)]
                                                   for a, b, h in rows], widths=(30, 16, 54))
            + f'<p align="center">{chart("cost", *COST_SIZE)}</p>'
            + f'<p align="center">{chart("payback", *PAYBACK_SIZE)}</p>')


def cliff(project: Project, evaluation: Evaluation) -> str:
    """The 47-day cliff (INDUSTRY-RULES.md): tickets and their cost at each rule date, as-is
    vs designed, and each type's maximum validity and tickets — the Cliff tab on paper."""
    amount = functools.partial(display.money, currency=project.currency)
    dates = evaluation.cliff.dates
    totals = [[_e(d.date.isoformat()), f"{d.as_is_tickets:,.0f}", _e(amount(d.as_is_cost)),
               f"{d.designed_tickets:,.0f}", _e(amount(d.designed_cost))] for d in dates]
    names = {t.id: t.name for t in project.types}
    per_type = [[_e(names[row.type_id])] + [
        f"{d.types[n].max_validity_days} d · {d.types[n].as_is_tickets:,.0f} → "
        f"{d.types[n].designed_tickets:,.0f}" for d in dates]
        for n, row in enumerate(dates[0].types)] if dates else []
    share = max(10, 70 // max(len(dates), 1))
    return (_heading(1, "cliff", "The 47-day cliff")
            + "<p>The public TLS cap falls to 200 days on 2026-03-15, 100 days on "
            "2027-03-15 and 47 days on 2029-03-15 (TLS BR 6.3.2, ballot SC-081v3). "
            "Every renewal of an admin-mediated certificate is a ticket: live certificates × "
            "365 / (validity − renewal lead).</p>"
            + f"<p><b>{_e(cliff_headline(evaluation.cliff, project.currency))}</b></p>"
            + _table(("Rules as of", "As-is tickets / yr", "As-is cost / yr",
                      "Designed tickets / yr", "Designed cost / yr"), totals,
                     widths=(20, 20, 20, 20, 20))
            + '<p style="margin-top: 14px">Per type: the maximum validity on each date, '
            "then admin-mediated tickets "
            "a year as-is → as designed.</p>"
            + _table(("Certificate type", *(d.date.isoformat() for d in dates)), per_type,
                     widths=(100 - share * len(dates), *([share] * len(dates)))))


def policy_appendix(project: Project, evaluation: Evaluation) -> list[str]:
    """The appendix, one part per policy target (each starts a page in the PDF)."""
    parts = []
    for n, (_folder, translation) in enumerate(translations(project, evaluation)):
        body = [] if n else [
            _heading(1, "policy", "Appendix: policy as code — what each target loses"),
            "<p>The combined types exported as cert-manager, Vault and step-ca policy "
            "(certroute export --policy), and what each engine cannot express.</p>"]
        body.append(f"<h3>{_e(translation.target)}</h3>")
        if not translation.losses:
            body.append("<p>Nothing was lost.</p>")
        else:
            body.append(_table(("Types", "What", "Detail"),
                               [[_e(", ".join(names)), _e(what), _e(detail)]
                                for names, what, detail in _grouped(translation.losses)],
                               widths=(22, 26, 52)))
        parts.append("".join(body))
    return parts


def _grouped(losses: Sequence[Loss]) -> list[tuple[list[str], str, str]]:
    """One row per distinct loss, naming every type it applies to, in first-seen order: the
    same sentence once per type made 9 of the example report's 23 pages."""
    rows: dict[tuple[str, str], list[str]] = {}
    for loss in losses:
        rows.setdefault((loss.what, loss.detail), []).append(loss.type_name)
    return [(names, what, detail) for (what, detail), names in rows.items()]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of the report that starts on a new page, and the sections that begin in it."""

    anchors: tuple[str, ...]
    html: str


def report_chunks(project: Project, evaluation: Evaluation, meta: ReportMeta,
                  chart: ChartMarkup, pages: Mapping[str, int] | None = None) -> list[Chunk]:
    """Every chapter in reader order, each type's card on a page of its own.

    The PDF lays each chunk out as its own document, so a page never waits for the layout
    of the whole report; `pages` numbers the table of contents.
    """
    pairs = list(zip(project.types, evaluation.decisions, strict=True))
    chapter = (_heading(1, "types", "Certificate types")
               + "<p>One decision card per type, in inventory order.</p>")
    if not pairs:
        types = [Chunk(("types",), chapter + "<p>No certificate types yet.</p>")]
    else:
        types = [Chunk(("types", type_anchor(pairs[0][0])), chapter + type_section(*pairs[0]))]
        types += [Chunk((type_anchor(t),), type_section(t, d)) for t, d in pairs[1:]]
    return [
        Chunk((), title_page(project, meta)),
        Chunk(("contents",), contents(sections(project), pages)),
        Chunk(("summary",), executive_summary(project, evaluation)),
        Chunk(("matrix",), routing_matrix(project, evaluation)),
        *types,
        Chunk(("findings",), findings(project, evaluation)),
        Chunk(("radar",), radar(project, evaluation, chart)),
        Chunk(("cost",), cost(project, evaluation, chart)),
        Chunk(("cliff",), cliff(project, evaluation)),
        *(Chunk(() if n else ("policy",), part)
          for n, part in enumerate(policy_appendix(project, evaluation))),
    ]


def report_html(project: Project, evaluation: Evaluation, meta: ReportMeta,
                chart: ChartMarkup) -> str:
    """The standalone HTML file: the same chapters, links for the table of contents."""
    title = f"Certificate-issuance routing — {project.organisation.name}"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
            f"<title>{_e(title)}</title><style>{STYLE}"
            "body { font-family: sans-serif; max-width: 52em; margin: 2em auto; }"
            "table { border-collapse: collapse; }</style></head><body>"
            + '<div style="page-break-before: always"></div>'.join(
                chunk.html for chunk in report_chunks(project, evaluation, meta, chart))
            + "</body></html>\n")
