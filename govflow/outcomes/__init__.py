"""Outcome indicators, what families told us, and publishing the progress report."""
