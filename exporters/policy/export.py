"""Write every policy target and its lost-in-translation report into one folder."""

from __future__ import annotations

import os
from pathlib import Path

from exporters.policy import approver_policy, step_ca, vault
from exporters.policy.common import Translation
from models.evaluation import Evaluation
from models.file_write import write_text
from models.project import Project

TARGETS = (("cert-manager", approver_policy.translate), ("vault", vault.translate),
           ("step-ca", step_ca.translate))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(translation: Translation, project: Project, evaluation: Evaluation) -> str:
    """The target's lost-in-translation report as Markdown."""
    exported = sum(1 for d in evaluation.decisions if d.workflow.value == "combined")
    lines = [
        f"# Lost in translation — {translation.target}",
        "",
        f"{project.organisation.name}: {evaluation.summary}. The {exported} combined type(s) "
        "are exported; what this target cannot express is listed below.",
        "",
    ]
    if not translation.losses:
        return "\n".join([*lines, "Nothing was lost."]) + "\n"
    security = [x for x in translation.losses if x.security]
    lines += ["## More permissive than the profile", ""]
    if security:
        lines += ["What this target signs that the profile refuses, on names, keys, validity or "
                  "usages. Add the control each line names before relying on the export.", ""]
        lines += [f"- **{x.type_name} — {x.what}** ({x.area}): {x.detail}" for x in security]
    else:
        lines += ["Nothing: on names, keys, validity and usages this target signs no request "
                  "the profile refuses."]
    lines += ["", "## Everything lost in translation", "",
              "| Type | What | Effect | Detail |", "|---|---|---|---|"]
    lines += [f"| {_cell(x.type_name)} | {_cell(x.what)} | {_cell(x.effect or '—')} | "
              f"{_cell(x.detail)} |" for x in translation.losses]
    return "\n".join(lines) + "\n"


def translations(project: Project, evaluation: Evaluation) -> list[tuple[str, Translation]]:
    """Each target's folder name and translation, with its report among the files."""
    out = []
    for folder, translate in TARGETS:
        translation = translate(project, evaluation)
        translation.files[f"{folder}/LOST-IN-TRANSLATION.md"] = report(
            translation, project, evaluation)
        out.append((folder, translation))
    return out


def write_policy(project: Project, evaluation: Evaluation,
                 directory: str | os.PathLike[str]) -> list[Path]:
    """Write every target's files under `directory`; returns the paths written."""
    root = Path(directory)
    written = []
    for _folder, translation in translations(project, evaluation):
        for relative, text in translation.files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, text)
            written.append(path)
    return written
