"""The start-up check: no display or an unloadable xcb plugin is one line and exit 2, not Qt's
abort; `certroute FILE` opens the file like `certroute gui FILE`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import startup_check
from app.cli import build_parser, with_command

ROOT = Path(__file__).resolve().parents[1]


def run_app(*argv: str, env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-m", "app", *argv], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


NO_DISPLAY = {"DISPLAY": None, "WAYLAND_DISPLAY": None, "QT_QPA_PLATFORM": None}


@pytest.mark.skipif(sys.platform != "linux", reason="the X11 check runs on Linux only")
@pytest.mark.parametrize("argv", [(), ("gui",)])
def test_no_display_is_one_line_and_exit_2(argv):
    result = run_app(*argv, env_changes=NO_DISPLAY)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("certroute: error: no display to open a window on")


@pytest.mark.skipif(sys.platform != "linux", reason="the X11 check runs on Linux only")
def test_unreachable_display_is_one_line_and_exit_2():
    result = run_app("gui", env_changes={**NO_DISPLAY, "DISPLAY": ":987"})
    assert result.returncode == 2
    assert result.stderr == "certroute: error: cannot connect to the X display ':987'\n"


def test_a_missing_library_names_its_package():
    table = (("libxcb.so.1", "libxcb1"), ("libcertroute-absent.so.9", "certroute-absent9"),
             ("libcertroute-gone.so.1", "certroute-gone1"))
    assert startup_check.missing_packages(table) == ["certroute-absent9", "certroute-gone1"]


def test_an_unloadable_plugin_is_reported_in_one_line(tmp_path):
    broken = tmp_path / "libqxcb.so"
    broken.write_bytes(b"not an ELF file")
    reason = startup_check.plugin_load_error(broken)
    assert reason is not None
    assert "\n" not in reason


def test_macos_windows_and_chosen_platforms_are_not_checked():
    assert startup_check.problem({}, platform="darwin") is None
    assert startup_check.problem({}, platform="win32") is None
    assert startup_check.problem({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert startup_check.problem({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb for a real X display")
def test_a_real_x_display_passes_the_check():
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "640x480x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not start"
        assert startup_check.problem({"DISPLAY": f":{number}"}, platform="linux") is None
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(shutil.which("Xvfb") is None or shutil.which("xwininfo") is None,
                    reason="needs Xvfb and xwininfo (x11-utils)")
def test_the_app_opens_its_window_on_a_real_x_display(tmp_path):
    # With the README's packages installed (as here and in CI), the app passes the check
    # and shows its main window on X11 through Qt's xcb plugin.
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stderr=subprocess.DEVNULL)
    os.close(write)
    app = None
    try:
        with os.fdopen(read) as pipe:
            display = f":{pipe.readline().strip()}"
        env = dict(os.environ, PYTHONPATH=str(ROOT), DISPLAY=display,
                   CERTROUTE_CONFIG_DIR=str(tmp_path / "config"))
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("WAYLAND_DISPLAY", None)
        log = tmp_path / "app.log"
        with log.open("w") as out:
            app = subprocess.Popen([sys.executable, "-m", "app"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        titles = ""
        while time.monotonic() < deadline and app.poll() is None:
            titles = subprocess.run(["xwininfo", "-root", "-tree", "-display", display],
                                    capture_output=True, text=True, check=False).stdout
            if "— Certroute" in titles:
                break
            time.sleep(0.3)
        assert app.poll() is None, log.read_text()
        assert "— Certroute" in titles
    finally:
        if app is not None:
            app.terminate()
            app.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(shutil.which("dpkg-query") is None or startup_check.xcb_plugin() is None,
                    reason="needs Debian's dpkg and PySide6's xcb plugin")
def test_the_package_table_matches_dpkg_and_the_plugins_libraries():
    # Every xcb / xkbcommon / X11 library the plugin loads (as the loader resolves it) is in
    # the table, and dpkg says each table entry is shipped by the package the table names.
    plugin = startup_check.xcb_plugin()
    ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
    needed = set(re.findall(r"^\s*(lib(?:xcb|xkbcommon|X11)[\w.+-]*\.so\.\d+)", ldd.stdout,
                            re.MULTILINE))
    sonames = {soname for soname, _ in startup_check.XCB_LIBRARIES}
    assert needed
    assert needed <= sonames, needed - sonames
    for soname, package in startup_check.XCB_LIBRARIES:
        if f"{soname} => /" not in ldd.stdout:
            continue  # needed by Qt's other libraries, not by the plugin itself
        owner = subprocess.run(["dpkg-query", "-S", f"*/{soname}"], capture_output=True,
                               text=True, check=False)
        owners = {line.split(":")[0] for line in owner.stdout.splitlines()}
        assert owners & {package, f"{package}t64"}, (soname, owner.stdout)


def test_certroute_file_opens_the_file_like_gui_file():
    parser = build_parser()
    assert with_command(parser, ["project.certroute.json"]) == ["gui", "project.certroute.json"]
    assert with_command(parser, []) == ["gui"]
    assert with_command(parser, ["route", "x.json"]) == ["route", "x.json"]
    assert with_command(parser, ["--help"]) == ["--help"]
    args = parser.parse_args(with_command(parser, ["project.certroute.json"]))
    assert (args.command, args.file) == ("gui", "project.certroute.json")


def test_a_mistyped_command_is_not_taken_for_a_missing_file(tmp_path, capsys, monkeypatch):
    parser = build_parser()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        with_command(parser, ["rout"])
    assert info.value.code == 2
    assert "'rout' is neither a command nor a file: did you mean 'route'?" in \
        capsys.readouterr().err
    with pytest.raises(SystemExit):
        with_command(parser, ["bogus"])
    assert "(commands: gui, route," in capsys.readouterr().err
    # What reads as a file stays a file, there or not: a folder in it, a suffix, or it exists.
    (tmp_path / "Makefile").write_text("")
    for word in ("Makefile", "project.certroute.json", "notes/plan", "./plan"):
        assert with_command(parser, [word]) == ["gui", word]


def test_certroute_file_reports_a_bad_file_in_one_line(tmp_path):
    missing = tmp_path / "absent.certroute.json"
    result = run_app(str(missing), env_changes={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 2
    assert "invalid choice" not in result.stderr
    assert "absent.certroute.json" in result.stderr
    assert "cannot read" in result.stderr
