"""The learning dashboard's figures, computed in SQL aggregates from the item history."""
