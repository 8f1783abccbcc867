"""One search over blockers, ideas, decisions, meetings, minutes and sponsor actions."""
