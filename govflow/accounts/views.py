"""Sign in, sign out, and the person's own account page (password, API tokens)."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from govflow.accounts import auth, services, sso, sso_views
from govflow.accounts.forms import ApiTokenForm, ChangePasswordForm, SignInForm
from govflow.accounts.models import ApiToken
from govflow.accounts.throttle import get_throttle
from govflow.clock import utcnow
from govflow.domain_errors import Invalid
from govflow.extensions import db

bp = Blueprint("accounts", __name__)
log = logging.getLogger("govflow.accounts")

WRONG_DETAILS = "Enter a correct email address and password"


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_url = request.values.get("next", "")
    if not auth.is_safe_next(next_url):
        if next_url:
            log.warning("Refused off-site next=%r from %s", next_url[:200], auth.client_address())
        next_url = ""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for("main.home"))
    form = SignInForm()
    remember_allowed = current_app.config["GOVFLOW_REMEMBER_ME"]
    status = 200
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        keys = [f"account:{email}", f"address:{auth.client_address()}"]
        throttle = get_throttle()
        receipt = throttle.attempt(keys)
        if receipt is None:
            log.warning("Sign-in throttled for %s from %s", email, auth.client_address())
            minutes = max(1, throttle.window // 60)
            form.email.errors = list(form.email.errors) + [
                f"Too many attempts to sign in. Wait {minutes} minute"
                f"{'s' if minutes != 1 else ''} and try again."
            ]
            status = 429
        else:
            user = auth.check_password(email, form.password.data)
            if user is None:
                form.password.errors = list(form.password.errors) + [WRONG_DETAILS]
                status = 200
            elif (forced := sso.passwords_off_for(user)) is not None:
                form.password.errors = list(form.password.errors) + [
                    f"Your organisation signs in to govflow through {forced.name}. "
                    f"Use the 'Sign in with {forced.name}' button."]
            else:
                throttle.succeeded(keys, receipt)
                # The second factor's step, if the person has one (two_factor_views).
                from govflow.accounts.two_factor_views import password_accepted

                return password_accepted(
                    user, remember=bool(form.remember.data and remember_allowed),
                    next_url=next_url)
    elif request.method == "POST":
        status = 200
    # The password is never sent back; the email they typed stays in the field.
    form.password.data = ""
    return (
        render_template(
            "accounts/sign_in.html",
            form=form,
            next_url=next_url,
            remember_allowed=remember_allowed,
            providers=sso.providers_for_sign_in_page(),
            page_title="Sign in",
        ),
        status,
    )


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        services.end_all_sessions(user)
        # Written before signing out of this browser: a form sent with an expired token
        # is refused here (govflow.errors) and signs nobody out.
        db.session.flush()
        logout_user()
        if sso_views.sign_out_offer() is not None:
            return redirect(url_for("sso.signed_out"))
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.get("/account")
@login_required
def account():
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "accounts/account.html",
        page_title="Your account",
        tokens=tokens,
        password_form=ChangePasswordForm(),
        token_form=ApiTokenForm(),
        new_token=None,
        has_second_factor=_has_second_factor(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except Invalid as err:
            for name, message in err.field_errors.items():
                getattr(form, name).errors = list(getattr(form, name).errors) + [message]
        else:
            # Every other session has ended; this one carries on under the new epoch, with
            # the lifetime it had (a new password is no reason to stay signed in longer).
            before = auth.current_sign_in()
            auth.start_session(user, remember=False,
                               signed_in_at=before.signed_in_at if before else None)
            flash("Your password has been changed. You have been signed out everywhere else.",
                  "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form,
                           page_title="Change your password")


@bp.post("/account/tokens")
@login_required
def create_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        tokens = db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == current_user.id)
        ).all()
        return render_template("accounts/account.html", page_title="Your account", tokens=tokens,
                               password_form=ChangePasswordForm(), token_form=form,
                               new_token=None, has_second_factor=_has_second_factor()), 400
    token = issue_token(current_user._get_current_object(), form.name.data.strip())
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("accounts/account.html", page_title="Your account", tokens=tokens,
                           password_form=ChangePasswordForm(), token_form=ApiTokenForm(formdata=None),
                           new_token=token, has_second_factor=_has_second_factor())


def _has_second_factor() -> bool:
    from govflow.accounts.second_factor import factor_of

    return factor_of(current_user) is not None


def own_row(model, row_id: int):
    """One of the signed-in person's own rows (a token, an absence): 404 if it is missing or
    someone else's, so the answer does not say which."""
    row = db.session.get(model, row_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    return row


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    row = own_row(ApiToken, token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    flash(f"The token '{row.name}' has been revoked.", "success")
    return redirect(url_for("accounts.account"))


def issue_token(user, name: str) -> str:
    token = auth.new_token()
    db.session.add(ApiToken(user_id=user.id, name=name[:100], token_hash=auth.hash_token(token),
                            prefix=token[:10]))
    db.session.flush()
    return token
