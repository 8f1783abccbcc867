"""The agreements register: data-sharing protocols, confidentiality agreements, ground rules."""
