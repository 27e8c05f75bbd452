"""The Qt GUI: the only package that imports PySide6 and pyqtgraph."""

import os

# pyqtgraph picks its Qt binding from this variable; pin it before anything imports pyqtgraph.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
