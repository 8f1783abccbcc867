"""Attachments: files kept with an item, a decision, a meeting or another kind of thing."""
