"""The Cliff tab: the 47-day cliff a consultant projects (chart, per-type table, populations)."""
