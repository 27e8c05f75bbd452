"""Before the GUI starts: is there a display, and can Qt's xcb plugin load? (no Qt import)

Qt itself aborts (exit 134) with a multi-line message that names one library of several, or
none when the display is missing. This check runs first and says, in one line, what to do.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path

# Every library Qt 6's xcb platform plugin (libqxcb.so and libQt6XcbQpa) links against that a
# minimal Debian or Ubuntu install may lack, with the Debian package that ships it. README's
# apt line is this list (tests/test_startup_check.py checks both against dpkg and the plugin).
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb.so.1", "libxcb1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libX11.so.6", "libx11-6"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
)
APT_PACKAGES = tuple(package for _soname, package in XCB_LIBRARIES)


def missing_packages(libraries: tuple[tuple[str, str], ...] = XCB_LIBRARIES) -> list[str]:
    """The packages whose library the dynamic loader cannot find, in table order."""
    missing: list[str] = []
    for soname, package in libraries:
        try:
            ctypes.CDLL(soname)
        except OSError:
            if package not in missing:
                missing.append(package)
    return missing


def xcb_plugin() -> Path | None:
    """The xcb platform plugin of the installed PySide6 (None when PySide6 ships none)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def plugin_load_error(plugin: Path | None) -> str | None:
    """The loader's one-line reason the plugin cannot load, or None when it loads."""
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return str(exc).splitlines()[0] if str(exc) else repr(exc)
    return None


def display_error(display: str) -> str | None:
    """Why the X server at `display` refuses a connection (None: it accepts one)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # reported as a missing package instead
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    screen = ctypes.c_int(0)
    connection = xcb.xcb_connect(display.encode(), ctypes.byref(screen))
    try:
        failed = xcb.xcb_connection_has_error(connection)
    finally:
        xcb.xcb_disconnect(connection)
    return f"cannot connect to the X display {display!r}" if failed else None


def problem(environ: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """One line saying why the GUI cannot start here, or None when it can (or cannot tell)."""
    env = dict(os.environ if environ is None else environ)
    if (platform or sys.platform) != "linux":
        return None  # macOS and Windows: PySide6's wheels carry everything
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None  # offscreen, wayland, vnc …: the user picked a platform on purpose
    display = env.get("DISPLAY", "")
    if not display:
        if env.get("WAYLAND_DISPLAY") and not chosen:
            return None  # Qt picks its Wayland plugin
        return ("no display to open a window on (DISPLAY is not set): run certroute in a "
                "desktop session, or use `certroute screenshot OUT.png` offscreen")
    missing = missing_packages()
    if missing:
        return ("Qt's xcb plugin needs system libraries: "
                f"sudo apt-get install {' '.join(missing)}")
    reason = plugin_load_error(xcb_plugin())
    if reason:
        return f"Qt's xcb plugin cannot load: {reason}"
    return display_error(display)
