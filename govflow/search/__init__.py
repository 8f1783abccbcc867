"""One search over blockers, ideas, decisions, meetings, minutes, sponsor actions and agreements."""
