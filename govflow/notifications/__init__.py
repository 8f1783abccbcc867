"""Notifications: an outbox written with each change, delivered by SMTP and shown in the inbox."""
