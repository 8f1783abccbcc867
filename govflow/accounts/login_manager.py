"""Flask-Login's LoginManager, with remember cookies that survive a change of SECRET_KEY.

Flask accepts session cookies signed with a key in SECRET_KEY_FALLBACKS; Flask-Login 0.6
checks a remember cookie ("keep me signed in on this device") against SECRET_KEY alone, so
changing the key signed everyone out of every remembered device at once. Here a remember
cookie signed with a fallback key is accepted too and signed again with the current key on
the same response, so it outlives the fallback. Its sign-in keeps its own start time (the
cookie carries govflow.accounts.auth.SignIn), so signing it again never lengthens it."""

from __future__ import annotations

import flask_login
from flask import current_app, session
from flask_login.utils import decode_cookie, encode_cookie


class LoginManager(flask_login.LoginManager):
    def _load_user_from_remember_cookie(self, cookie):
        user = super()._load_user_from_remember_cookie(cookie)
        if user is not None:
            return user
        for key in current_app.config.get("SECRET_KEY_FALLBACKS") or ():
            payload = decode_cookie(cookie, key=key)
            if payload is None:
                continue
            user = super()._load_user_from_remember_cookie(encode_cookie(payload))
            if user is not None:
                # Flask-Login writes the cookie again, with SECRET_KEY, after this request.
                session["_remember"] = "set"
            return user
        return None
