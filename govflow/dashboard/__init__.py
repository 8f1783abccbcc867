"""The learning dashboard: figures, charts, CSV exports and the printable progress report."""
