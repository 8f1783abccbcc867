"""The decision log: every decision on a blocker or an idea, immutable once written."""
