"""Certroute application: command line, local CA service and the Qt GUI."""
