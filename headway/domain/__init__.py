"""Headway's rules in plain Python: progress, status, scores, KPI status, rollups, policy.

Nothing here imports Django or a Headway app (an import-linter contract enforces it), and no
function reads the clock: every figure is computed "as of" a date that the caller passes.
The rules are documented with worked examples in docs/scoring.md.
"""
