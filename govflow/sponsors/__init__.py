"""Local area sponsors: their areas, powers and the sponsor actions they record."""
