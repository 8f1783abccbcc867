"""Secrets govflow reads back are kept sealed (govflow/sealed.py): the authenticator app's
secret and a sign-in provider's client secret. The database holds neither as typed; the app
reads both; one kept before sealing is still read and `govflow seal-secrets` seals it; a new
SECRET_KEY reads the old one's secrets while that key is in SECRET_KEY_FALLBACKS."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select, text

from govflow.accounts import second_factor, sso
from govflow.accounts.factor_models import SecondFactor
from govflow.accounts.sso_models import IdentityProvider
from govflow.extensions import db
from govflow.sealed import UnreadableSecret

CLIENT_SECRET = "client-secret-" + "s" * 30


def _stored(sql: str, **params) -> str:
    return db.session.execute(text(sql), params).scalar_one()


def _factor_for(person) -> str:
    secret = pyotp.random_base32()
    second_factor.turn_on(person, secret, pyotp.TOTP(secret).now())
    return secret


def _provider() -> IdentityProvider:
    return sso.save_provider(None, slug="trust-idp", name="Trust sign-in",
                             issuer="https://login.trust.example", client_id="govflow",
                             client_secret=CLIENT_SECRET, domains="dcst.example",
                             organisation="dcst", create_accounts=False, active=True)


def _read_again(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


def test_the_authenticator_secret_is_kept_sealed_and_read_back(people):
    priya = people["priya.shah@dcst.example"]
    secret = _factor_for(priya)
    stored = _stored("SELECT secret FROM second_factors WHERE user_id = :u", u=priya.id)
    assert stored.startswith("sealed:1:") and secret not in stored
    assert _read_again(SecondFactor, priya.id).secret == secret


def test_a_providers_client_secret_is_kept_sealed_and_read_back(people):
    row = _provider()
    stored = _stored("SELECT client_secret FROM identity_providers WHERE id = :i", i=row.id)
    assert stored.startswith("sealed:1:") and CLIENT_SECRET not in stored
    assert sso.provider("trust-idp").client_secret == CLIENT_SECRET


def test_a_secret_kept_before_sealing_is_read_and_seal_secrets_seals_it(people, runner):
    priya = people["priya.shah@dcst.example"]
    secret = _factor_for(priya)
    db.session.execute(text("UPDATE second_factors SET secret = :s WHERE user_id = :u"),
                       {"s": secret, "u": priya.id})
    assert _read_again(SecondFactor, priya.id).secret == secret
    result = runner.invoke(args=["seal-secrets"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sealed 1 secret with the current SECRET_KEY.\n"
    assert _stored("SELECT secret FROM second_factors WHERE user_id = :u",
                   u=priya.id).startswith("sealed:1:")
    assert _read_again(SecondFactor, priya.id).secret == secret
    again = runner.invoke(args=["seal-secrets"])
    assert again.output == "Sealed 0 secrets with the current SECRET_KEY.\n"


def test_a_new_secret_key_reads_the_old_keys_secrets_while_it_is_a_fallback(app, people, runner):
    priya = people["priya.shah@dcst.example"]
    secret = _factor_for(priya)
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-new-secret-key-" + "n" * 32
    try:
        db.session.expire_all()
        with pytest.raises(UnreadableSecret, match="SECRET_KEY_FALLBACKS"):
            db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == priya.id))
        app.config["SECRET_KEY_FALLBACKS"] = [old]
        assert _read_again(SecondFactor, priya.id).secret == secret
        # Every secret is sealed again: Priya's, and any the demo partnership keeps.
        kept = _stored("SELECT (SELECT count(*) FROM second_factors) "
                       "+ (SELECT count(*) FROM identity_providers)")
        assert kept >= 1
        assert runner.invoke(args=["seal-secrets"]).output == (
            f"Sealed {kept} secret{'s' if kept != 1 else ''} with the current SECRET_KEY.\n")
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert _read_again(SecondFactor, priya.id).secret == secret
    finally:
        app.config["SECRET_KEY"] = old
        app.config["SECRET_KEY_FALLBACKS"] = []
