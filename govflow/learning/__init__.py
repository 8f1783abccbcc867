"""The "What we've learnt" library, and trying an adopted idea in another area."""
