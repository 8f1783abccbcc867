"""Helpers shared by the tests that need real processes: a served govflow, a real browser."""
