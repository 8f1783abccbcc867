"""People, organisations, local areas, roles, sign-in and API tokens."""
