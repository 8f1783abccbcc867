"""The WSGI entry point for gunicorn: `gunicorn -w 4 -b 0.0.0.0:8000 wsgi:app`."""

from govflow import create_app, ready_to_serve

app = ready_to_serve(create_app())
