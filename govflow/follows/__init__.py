"""Following: a person follows an item, a forum or an area, and hears of what changes there."""
