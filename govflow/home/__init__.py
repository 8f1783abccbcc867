"""Home: each person's to-do list (what needs them, their own items, their next meetings)."""
