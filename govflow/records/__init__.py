"""The record that proves itself: hash chains over every append-only row, daily roots, checks."""
