"""The second factor's pages: the code asked for after the password, setting it up from the
account page, new recovery codes, turning it off, and taking a person who must have it and
has not set it up to do so before anything else."""

from __future__ import annotations

import logging
from typing import NamedTuple

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from govflow.accounts import second_factor, services
from govflow.accounts.auth import (
    client_address,
    now_seconds,
    signed_in_through_provider,
    start_session,
)
from govflow.accounts.forms import ConfirmWithCodeForm, SetUpSecondFactorForm, SignInCodeForm
from govflow.accounts.models import User
from govflow.accounts.throttle import get_throttle
from govflow.accounts.views import bp
from govflow.domain_errors import Invalid
from govflow.extensions import db

log = logging.getLogger("govflow.accounts")

# How long the code page waits after a right password before asking for the password again.
PENDING_SECONDS = 5 * 60
PENDING, PENDING_NEXT, SETUP_SECRET = "_second_step", "_second_step_next", "_second_factor_setup"
# What a person who must set up a second factor can still reach before they have.
BEFORE_SET_UP = {"accounts.two_factor", "accounts.sign_out", "accounts.sign_in",
                 "accounts.sign_in_code", "static"}


class Pending(NamedTuple):
    """A sign-in whose password was right, waiting for its code."""

    user_id: int
    epoch: int
    at: int
    remember: bool

    def encode(self) -> str:
        return f"{self.user_id}:{self.epoch}:{self.at}:{int(self.remember)}"

    @classmethod
    def decode(cls, value) -> Pending | None:
        try:
            user_id, epoch, at, remember = str(value).split(":")
            return cls(int(user_id), int(epoch), int(at), remember == "1")
        except (ValueError, TypeError):
            return None


def password_accepted(user, *, remember: bool, next_url: str):
    """After a right password: ask for the code if the person has a second factor, or
    start their session (someone who must have one is then taken to set it up)."""
    if second_factor.factor_of(user) is None:
        start_session(user, remember=remember)
        services.record_sign_in(user)
        return redirect(next_url or url_for("main.home"))
    session[PENDING] = Pending(user.id, user.session_epoch, now_seconds(), remember).encode()
    session[PENDING_NEXT] = next_url
    return redirect(url_for("accounts.sign_in_code"))


def _pending_user():
    pending = Pending.decode(session.get(PENDING))
    if pending is None or not 0 <= now_seconds() - pending.at <= PENDING_SECONDS:
        return None, None
    user = db.session.get(User, pending.user_id)
    if user is None or not user.active or user.session_epoch != pending.epoch:
        return None, None
    return user, pending


def _throttled(form, keys) -> object | None:
    """Count a code attempt as a password attempt is counted; None (with the message on the
    field) when there have been too many."""
    throttle = get_throttle()
    receipt = throttle.attempt(keys)
    if receipt is None:
        minutes = max(1, throttle.window // 60)
        form.code.errors = list(form.code.errors) + [
            f"Too many codes tried. Wait {minutes} minute{'s' if minutes != 1 else ''} "
            "and try again."]
    return receipt


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code():
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Sign in again to continue.", "info")
        return redirect(url_for("accounts.sign_in"))
    form = SignInCodeForm()
    ok, status, how = _take_code(form, user, lambda code: second_factor.check(user, code))
    if status == 429:
        log.warning("Sign-in code throttled for user %s from %s", user.id, client_address())
    if ok:
        next_url = session.pop(PENDING_NEXT, "") or url_for("main.home")
        session.pop(PENDING, None)
        start_session(user, remember=pending.remember)
        services.record_sign_in(user)
        if how == "recovery":
            left = second_factor.recovery_codes_left(user)
            flash(f"You signed in with a recovery code. You have {left} left: make new "
                  "ones from your account page if you are running out.", "info")
        return redirect(next_url)
    form.code.data = ""
    return render_template("accounts/sign_in_code.html", form=form,
                           page_title="Enter the code from your app"), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    user = current_user._get_current_object()
    factor = second_factor.factor_of(user)
    if factor is not None:
        return render_template(
            "accounts/two_factor.html", page_title="Two-step sign-in", factor=factor,
            codes_left=second_factor.recovery_codes_left(user),
            required=second_factor.must_have(user),
            renew_form=ConfirmWithCodeForm(prefix="renew", formdata=None),
            off_form=ConfirmWithCodeForm(prefix="off", formdata=None))
    secret = session.get(SETUP_SECRET) or second_factor.new_secret()
    session[SETUP_SECRET] = secret
    form = SetUpSecondFactorForm()
    ok, status, codes = _take_code(form, user,
                                   lambda code: second_factor.turn_on(user, secret, code))
    if ok:
        session.pop(SETUP_SECRET, None)
        return render_template("accounts/recovery_codes.html", codes=codes,
                               page_title="Your recovery codes", just_turned_on=True)
    form.code.data = ""
    uri = second_factor.setup_uri(user, secret)
    return render_template(
        "accounts/two_factor_setup.html", page_title="Set up two-step sign-in", form=form,
        qr_code=second_factor.qr_code(uri), secret=second_factor.grouped(secret),
        required=second_factor.must_have(user)), status


def _take_code(form, user, use) -> tuple[bool, int, object]:
    """Run `use(code)` with a posted code, the attempt counted as a password attempt is:
    (True, 200, what it returned) for a right code; otherwise False and the status of the
    page shown again (429 after too many codes), the reason beside the box."""
    if not form.validate_on_submit():
        return False, 200, None
    keys = [f"code:{user.id}", f"address:{client_address()}"]
    receipt = _throttled(form, keys)
    if receipt is None:
        return False, 429, None
    try:
        result = use(form.code.data)
    except Invalid as err:
        form.code.errors = list(form.code.errors) + [err.field_errors["code"]]
        return False, 200, None
    get_throttle().succeeded(keys, receipt)
    return True, 200, result


def _confirmed(form, user) -> tuple[bool, int]:
    """Whether the person gave a right code (from the app, or a recovery code)."""
    ok, status, _how = _take_code(form, user, lambda code: second_factor.check(user, code))
    return ok, status


def _status_page(user, status: int, **forms):
    forms.setdefault("renew_form", ConfirmWithCodeForm(prefix="renew", formdata=None))
    forms.setdefault("off_form", ConfirmWithCodeForm(prefix="off", formdata=None))
    for form in forms.values():
        form.code.data = ""
    return render_template(
        "accounts/two_factor.html", page_title="Two-step sign-in",
        factor=second_factor.factor_of(user), codes_left=second_factor.recovery_codes_left(user),
        required=second_factor.must_have(user), **forms), status


def _with_factor():
    """The person signed in, who has a second factor to change (404 if they have none)."""
    user = current_user._get_current_object()
    if second_factor.factor_of(user) is None:
        abort(404)
    return user


@bp.post("/account/two-factor/recovery-codes")
@login_required
def new_recovery_codes():
    user = _with_factor()
    form = ConfirmWithCodeForm(prefix="renew")
    ok, status = _confirmed(form, user)
    if not ok:
        return _status_page(user, status, renew_form=form)
    codes = second_factor.new_recovery_codes(user)
    return render_template("accounts/recovery_codes.html", codes=codes,
                           page_title="Your recovery codes", just_turned_on=False)


@bp.post("/account/two-factor/off")
@login_required
def turn_off_two_factor():
    user = _with_factor()
    if second_factor.must_have(user):
        abort(403)
    form = ConfirmWithCodeForm(prefix="off")
    ok, status = _confirmed(form, user)
    if not ok:
        return _status_page(user, status, off_form=form)
    second_factor.turn_off(user)
    flash("Two-step sign-in is off. You will sign in with your password alone.", "success")
    return redirect(url_for("accounts.account"))


@bp.before_app_request
def set_up_before_anything_else():
    """A person whose roles require a second factor, signed in without one (it was required
    after they set their password, or their roles changed), sets it up first."""
    if (not current_app.config.get("MFA_REQUIRED_ROLES") or request.endpoint in BEFORE_SET_UP
            or request.path.startswith("/api/") or "_user_id" not in session):
        return None
    if signed_in_through_provider():
        # Their organisation's provider asked for its own second factor (docs/single-sign-on.md).
        return None
    if not current_user.is_authenticated or not second_factor.must_have(current_user):
        return None
    if second_factor.factor_of(current_user) is not None:
        return None
    flash("Your role needs two-step sign-in. Set it up to carry on.", "info")
    return redirect(url_for("accounts.two_factor"))
