"""Single sign-on use-cases: which providers there are, and who a provider's ID token is.

Providers come from the environment (govflow.config) and from the admin pages (the
identity_providers table); a slug names one or the other, never both. A person is matched by
the verified email address in the ID token; if their domain is allowed and the provider says
so, a first sign-in creates their account as a practitioner of the provider's organisation
(an admin gives other roles). Nothing here commits: the request's boundary does, and a
refused sign-in (a page with a 4xx status) commits nothing at all.
"""

from __future__ import annotations

import contextlib
import logging

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from govflow.accounts import services
from govflow.accounts.models import Organisation, User
from govflow.accounts.oidc import Provider, SignInRefused
from govflow.accounts.sso_models import IdentityProvider, UsedNonce
from govflow.domain_errors import Invalid
from govflow.extensions import db

log = logging.getLogger("govflow.sso")


def timeout() -> float:
    """How long a sign-in waits for the provider's answer, in seconds."""
    return current_app.config["OIDC_TIMEOUT_SECONDS"]


def public_url(endpoint: str, **values) -> str:
    """A govflow page's address as a provider is given it (the callback registered with it,
    where its sign-out returns to): at the public base URL, so it is the same whichever app
    process (and whatever proxy) answers."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def split_domains(text: str) -> tuple[str, ...]:
    words = (text or "").replace(",", " ").lower().split()
    return tuple(dict.fromkeys(w.lstrip("@") for w in words))


def _from_row(row: IdentityProvider) -> Provider:
    return Provider(slug=row.slug, name=row.name, issuer=row.issuer, client_id=row.client_id,
                    client_secret=row.client_secret, domains=split_domains(row.domains),
                    organisation=row.organisation.slug, create_accounts=row.create_accounts)


def environment_providers() -> list[Provider]:
    return [Provider(slug=p["slug"], name=p["name"], issuer=p["issuer"],
                     client_id=p["client_id"], client_secret=p["client_secret"],
                     domains=tuple(p["domains"]), organisation=p["organisation"],
                     create_accounts=p["create_accounts"], from_environment=True)
            for p in current_app.config.get("OIDC_PROVIDERS", [])]


def providers() -> list[Provider]:
    """Every provider people can sign in through now, by name."""
    found = {p.slug: p for p in environment_providers()}
    rows = db.session.scalars(select(IdentityProvider).where(IdentityProvider.active)).all()
    for row in rows:
        found.setdefault(row.slug, _from_row(row))
    return sorted(found.values(), key=lambda p: p.name.lower())


def providers_for_sign_in_page() -> list[Provider]:
    """The providers the sign-in page offers. The page must show even while the database
    does not answer (its form then gets the 503 page, as every other page does): the
    providers set up by an admin are left out until it answers again."""
    try:
        return providers()
    except (OperationalError, InterfaceError, PoolTimeout) as err:
        log.warning("Sign-in page shown without the database's providers: %s", err)
        with contextlib.suppress(Exception):  # the connection may already be gone
            db.session.rollback()
        return sorted(environment_providers(), key=lambda p: p.name.lower())


def provider(slug: str) -> Provider | None:
    return next((p for p in providers() if p.slug == slug), None)


def organisation_has_provider(org: Organisation) -> bool:
    return any(p.organisation == org.slug for p in providers())


def passwords_off_for(user: User) -> Provider | None:
    """The provider a person must sign in through, when their organisation has switched
    passwords off (and still has a provider: otherwise nobody could sign in)."""
    org = user.organisation
    if org is None or not org.passwords_off:
        return None
    return next((p for p in providers() if p.organisation == org.slug), None)


def email_verified(claims: dict) -> bool:
    """The provider vouches for the address: `email_verified` (Google, most providers), or
    Entra ID's optional claim `xms_edov` (the email's domain is verified by the tenant)."""
    return claims.get("email_verified") is True or claims.get("xms_edov") in (True, 1, "1",
                                                                              "true")


def person_for(provider: Provider, claims: dict) -> User:
    """The active person the ID token is about, created on a first sign-in when allowed."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused("unverified", "no email address in the ID token")
    email = services.normalise_email(email)
    if not email_verified(claims):
        raise SignInRefused("unverified", email, email=email)
    domain = email.rsplit("@", 1)[1]
    if domain not in provider.domains:
        raise SignInRefused("domain", email, email=email, domain=domain)
    user = services.find_user(email)
    if user is None:
        if not provider.create_accounts:
            raise SignInRefused("no_account", email, email=email)
        user = _first_sign_in(provider, email, claims)
    if not user.active:
        raise SignInRefused("deactivated", email, email=email)
    return user


def _first_sign_in(provider: Provider, email: str, claims: dict) -> User:
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    display_name = " ".join(name.split())[:200] or email.split("@")[0]
    user = services.create_user(email, display_name, organisation=provider.organisation)
    services.set_roles(user, [("practitioner", None)])
    log.info("Created %s on first sign-in through %s", email, provider.slug)
    return user


def use_nonce(nonce: str) -> None:
    """Note the ID token's nonce as used; a token seen before is refused. The row commits
    with the sign-in, so two processes shown the same token cannot both accept it."""
    if db.session.get(UsedNonce, nonce) is not None:
        raise SignInRefused("nonce", "this ID token was used before")
    try:
        with db.session.begin_nested():
            db.session.add(UsedNonce(nonce=nonce))
    except IntegrityError as err:
        raise SignInRefused("nonce", "this ID token was used before") from err


def _refuse(field: str, message: str):
    raise Invalid(message, field_errors={field: message})


def save_provider(row: IdentityProvider | None, *, slug: str, name: str, issuer: str,
                  client_id: str, client_secret: str, domains: str, organisation: str,
                  create_accounts: bool, active: bool) -> IdentityProvider:
    """Add a provider (row None) or change one. A blank client secret keeps the one kept."""
    slug, issuer = slug.strip(), issuer.strip().rstrip("/")
    if any(p.slug == slug for p in environment_providers()):
        _refuse("slug", f"The short name '{slug}' is used by a provider set by your operator")
    other = db.session.scalar(select(IdentityProvider).where(IdentityProvider.slug == slug))
    if other is not None and other is not row:
        _refuse("slug", f"Another sign-in provider already uses the short name '{slug}'")
    if not issuer.startswith("https://"):
        _refuse("issuer", "Enter the issuer as an address starting https://")
    if row is None and not client_secret:
        _refuse("client_secret", "Enter the client secret")
    names = split_domains(domains)
    bad = [d for d in names if "." not in d or "/" in d or "@" in d]
    if not names or bad:
        _refuse("domains", "Enter email domains like dcst.example, one a line")
    org = db.session.scalar(select(Organisation).where(Organisation.slug == organisation))
    if org is None:
        _refuse("organisation", "Choose the organisation")
    if row is None:
        row = IdentityProvider(slug=slug, client_secret=client_secret)
        db.session.add(row)
    row.slug, row.name, row.issuer, row.client_id = slug, name.strip(), issuer, client_id.strip()
    if client_secret:
        row.client_secret = client_secret
    row.domains = "\n".join(names)
    row.organisation = org
    row.create_accounts, row.active = bool(create_accounts), bool(active)
    db.session.flush()
    return row


def set_passwords_off(org: Organisation, off: bool) -> None:
    """Switch passwords off (or on again) for an organisation's people; off only once the
    organisation has a provider, so nobody is locked out."""
    if off and not organisation_has_provider(org):
        _refuse("passwords_off", "Set up a sign-in provider for this organisation before "
                                 "switching its passwords off")
    org.passwords_off = bool(off)
    db.session.flush()
