"""models/ and exporters/ never import Qt (ARCHITECTURE.md section 1)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "pyqtgraph", "shiboken6", "app.gui")


def _modules(package: str) -> list[str]:
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(ROOT / package)])]


def test_core_packages_import_without_qt():
    modules = ["models", "exporters", "app.cli", *_modules("models"), *_modules("exporters")]
    ca = ROOT / "app" / "ca"
    if ca.is_dir():
        modules += ["app.ca", *_modules("app/ca")]
    code = (
        "import importlib, sys\n"
        f"for name in {[m.replace('/', '.') for m in modules]!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT!r} "
        f"or any(m.startswith(q + '.') or m == q for q in {QT!r}))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""
