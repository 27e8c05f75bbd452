"""Cold start: a fresh process to a painted main window, against a bare Qt window (the floor)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

# Prints the seconds from interpreter start to the first painted frame of the window.
APP = """
import time, os
t0 = time.perf_counter()
from app.gui.application import _application, build_window
app = _application()
window = build_window(None)
window.resize(1600, 1000)
window.show()
app.processEvents()
window.grab()
print(time.perf_counter() - t0)
"""

FLOOR = """
import time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("hello")
label.resize(1600, 1000)
label.show()
app.processEvents()
label.grab()
print(time.perf_counter() - t0)
"""


def _run(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds of the whole process, seconds the script reports inside it)."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    return time.perf_counter() - start, float(out.strip().splitlines()[-1])


def _screenshot_wall(env: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "screenshot", f"{folder}/s.png"], env=env,
                       capture_output=True, check=True)
        return time.perf_counter() - start


def main(*, smoke: bool = False) -> None:
    repeat = 1 if smoke else 7
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CERTROUTE_CONFIG_DIR": config}
        app_runs = [_run(APP, env) for _ in range(repeat)]
        floor_runs = [_run(FLOOR, env) for _ in range(repeat)]
        shots = [_screenshot_wall(env) for _ in range(repeat)]
    from benchmarks.timing import report

    app_wall = statistics.median(r[0] for r in app_runs)
    floor_wall = statistics.median(r[0] for r in floor_runs)
    report("cold start → painted window (process wall)", app_wall, "s", target="≤ 1.5 s",
           peer=("bare QLabel window", floor_wall))
    report("  inside the process (imports → first paint)",
           statistics.median(r[1] for r in app_runs), "s",
           peer=("bare QLabel window", statistics.median(r[1] for r in floor_runs)))
    report("certroute screenshot (process wall)", statistics.median(shots), "s")


if __name__ == "__main__":
    main()
