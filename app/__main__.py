"""`python -m app` runs the certroute command line."""

from app.cli import main

raise SystemExit(main())
