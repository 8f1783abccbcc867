"""Systemic blockers: finding the same blocker in other areas, and moving it to Silver."""
