"""The local test CA service (SPEC.md §3): authority, ledger, delivery, workflows; no Qt."""
