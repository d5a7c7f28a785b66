"""Measures by level as data (filled in below)."""

MEASURE_RULES: list[dict] = []
