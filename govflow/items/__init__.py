"""Blockers and ideas: raising them, working them, and their history."""
