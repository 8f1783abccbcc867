"""Administration: people, organisations and local areas."""
