"""Single sign-on pages: off to the provider, back from it, and the offer of its sign-out."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from govflow.accounts import oidc, services, sso
from govflow.accounts.auth import client_address, is_safe_next, start_session
from govflow.accounts.oidc import Pending, SignInRefused

bp = Blueprint("sso", __name__)
log = logging.getLogger("govflow.sso")

PENDING = "_sso_pending"
SIGNED_IN_WITH = "_sso"
# Sign-ins started and not yet finished in one browser (another tab, a second click).
MAX_PENDING = 3

START_AGAIN = "You have not been signed in. Start again from the sign-in page."


def _not_trusted(what_was_wrong: str) -> tuple:
    """A refusal of an answer govflow could not trust: what was wrong with it, between the
    same heading and the same advice."""
    return (400, "govflow could not trust the answer from {provider}",
            [what_was_wrong, START_AGAIN, "If this happens again, tell your govflow administrator."])


# What the person reads for each reason a sign-in stops: a heading, then what happened and
# what to do. Plain words only; the template lays them out.
REFUSALS = {
    "slow": (504, "{provider} did not answer in time",
             ["govflow waited {seconds} seconds for {provider} and stopped waiting.",
              START_AGAIN, "Try again in a few minutes."]),
    "unavailable": (502, "govflow could not reach {provider}",
                    [START_AGAIN, "Try again in a few minutes. If it keeps happening, tell "
                     "your organisation's IT service desk."]),
    "state": (400, "This sign-in has already been used or has expired",
              [START_AGAIN]),
    "provider_error": (400, "{provider} did not sign you in", [START_AGAIN]),
    "signature": _not_trusted("The sign-in token was not signed by {provider}."),
    "expired": _not_trusted("The sign-in token from {provider} had expired."),
    "audience": _not_trusted("The sign-in token from {provider} was meant for another service."),
    "nonce": _not_trusted("The sign-in token from {provider} belonged to another sign-in."),
    "issuer": _not_trusted("The answer did not come from {provider}."),
    "token": _not_trusted("The sign-in token from {provider} was incomplete."),
    "unverified": (403, "{provider} has not verified your email address",
                   ["govflow finds your account by an email address your organisation has "
                    "verified.", "Ask your organisation's IT service desk to verify {email}."]),
    "domain": (403, "govflow does not accept {domain} accounts through {provider}",
               ["You signed in to {provider} as {email}.", "Sign in with your work account, "
                "or ask your organisation's govflow administrator."]),
    "no_account": (403, "There is no govflow account for {email}",
                   ["Ask your organisation's govflow administrator to add you."]),
    "deactivated": (403, "Your govflow account has been deactivated",
                    ["You signed in to {provider} as {email}, but your govflow account is no "
                     "longer active.", "Ask your organisation's govflow administrator if you "
                     "need it again."]),
}


def _redirect_uri(slug: str) -> str:
    """The address registered with the provider."""
    return sso.public_url("sso.callback", slug=slug)


def _refused(provider: oidc.Provider | None, err: SignInRefused):
    status, heading, paragraphs = REFUSALS[err.reason]
    words = {"provider": provider.name if provider else "your organisation's sign-in service",
             "seconds": f"{sso.timeout():g}", "email": "", "domain": "", **err.words}
    log.warning("Single sign-on through %s refused (%s) from %s: %s",
                provider.slug if provider else "?", err.reason, client_address(), err.detail)
    return render_template("accounts/sso_refused.html", page_title=heading.format(**words),
                           heading=heading.format(**words),
                           paragraphs=[p.format(**words) for p in paragraphs]), status


@bp.get("/sign-in/provider/<slug>")
def start(slug: str):
    provider = sso.provider(slug)
    if provider is None:
        abort(404)
    next_url = request.args.get("next", "")
    try:
        url, pending = oidc.authorization_request(provider, _redirect_uri(slug), sso.timeout(),
                                                  next_url if is_safe_next(next_url) else "")
    except SignInRefused as err:
        return _refused(provider, err)
    kept = [p for p in session.get(PENDING, []) if isinstance(p, dict)][-(MAX_PENDING - 1):]
    session[PENDING] = [*kept, pending.__dict__]
    return redirect(url)


def _take_pending(slug: str, state: str) -> Pending:
    """The sign-in this answer belongs to, taken out of the session so the same answer can
    never be used twice."""
    kept = [p for p in session.get(PENDING, []) if isinstance(p, dict)]
    match = next((p for p in kept if p.get("state") == state and p.get("provider") == slug), None)
    if match is None or not state:
        raise SignInRefused("state", "no sign-in started in this browser has this state")
    session[PENDING] = [p for p in kept if p is not match]
    return Pending(**match)


@bp.get("/sign-in/provider/<slug>/callback")
def callback(slug: str):
    provider = sso.provider(slug)
    if provider is None:
        abort(404)
    try:
        pending = _take_pending(slug, request.args.get("state", ""))
        claims, end_session = oidc.finish(provider, pending, request.args.to_dict(),
                                          _redirect_uri(slug), sso.timeout())
        sso.use_nonce(claims["nonce"])
        user = sso.person_for(provider, claims)
    except SignInRefused as err:
        return _refused(provider, err)
    start_session(user)
    services.record_sign_in(user)
    session[SIGNED_IN_WITH] = {"provider": provider.slug, "name": provider.name,
                               "end_session": end_session}
    log.info("%s signed in through %s", user.email, provider.slug)
    return redirect(pending.next_url or url_for("main.home"))


def sign_out_offer() -> dict | None:
    """After signing out: the provider the person signed in through, if it has a sign-out
    of its own to offer them."""
    offer = session.get(SIGNED_IN_WITH)
    return offer if isinstance(offer, dict) and offer.get("end_session") else None


@bp.get("/signed-out")
def signed_out():
    offer = session.pop(SIGNED_IN_WITH, None)
    if not isinstance(offer, dict) or not offer.get("end_session"):
        return redirect(url_for("accounts.sign_in"))
    provider = sso.provider(offer.get("provider", ""))
    if provider is None:
        return redirect(url_for("accounts.sign_in"))
    query = urlencode({"client_id": provider.client_id,
                       "post_logout_redirect_uri": sso.public_url("accounts.sign_in")})
    return render_template("accounts/signed_out.html", page_title="You have signed out",
                           provider_name=provider.name,
                           provider_sign_out=f"{offer['end_session']}?{query}")
