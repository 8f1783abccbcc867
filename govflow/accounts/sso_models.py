"""Single sign-on: the OpenID providers an admin has set up, and the ID-token nonces used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import Organisation
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.model_parts import Named
from govflow.sealed import Sealed


class IdentityProvider(Named, db.Model):
    """An OpenID provider people of one organisation sign in through (Entra ID, Google
    Workspace…). Providers named in the environment are not stored here (govflow.config)."""

    __tablename__ = "identity_providers"

    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    # Sealed with the app's key (govflow.sealed).
    client_secret: Mapped[str] = mapped_column(Sealed(1000))
    # Email domains whose people may sign in through it, one a line ("dcst.example").
    domains: Mapped[str] = mapped_column(Text, default="", server_default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # A person with an allowed domain and no account yet gets one, as a practitioner.
    create_accounts: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<IdentityProvider {self.slug}>"


class UsedNonce(db.Model):
    """The nonce of every ID token govflow has accepted: the same token is never accepted
    twice, by any app process."""

    __tablename__ = "used_sign_in_nonces"

    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
