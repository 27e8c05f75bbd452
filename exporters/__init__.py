"""Exporters: (Project, Evaluation) -> files. Pure Python, no Qt."""
