"""Governance forums: meetings, agendas, minutes and their archival PDFs."""
