"""OpenID Connect, govflow's side (the relying party): discovery, the authorization request
(code flow with PKCE, state and nonce), the token exchange and every check on the ID token.

Authlib makes the authorization URL and exchanges the code; joserfc (Authlib's own JOSE
library) checks the ID token's signature against the provider's published keys, then its
issuer, audience, expiry and nonce. Every call to the provider has a timeout: a provider
that is down or slow is a clear page within seconds, never a stuck worker. Nothing here
reads or writes the database or the session (govflow.accounts.sso does).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

log = logging.getLogger("govflow.sso")

SCOPE = "openid email profile"
# Signature algorithms accepted on ID tokens (never "none", never a shared-secret HMAC).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
# Clocks differ a little between govflow and a provider.
LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class Provider:
    """One OpenID provider, from the environment or set up by an admin."""

    slug: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]
    organisation: str  # the organisation's slug
    create_accounts: bool = False
    from_environment: bool = False


class SignInRefused(Exception):
    """A single sign-in that cannot go on; `reason` names the page the person sees."""

    def __init__(self, reason: str, detail: str = "", **words):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.words = words


@dataclass(frozen=True)
class Pending:
    """What govflow keeps (in the person's session) between sending them to the provider
    and their coming back."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next_url: str = ""


def _get_json(url: str, timeout: float) -> dict:
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        body = response.json()
    except requests.Timeout as err:
        raise SignInRefused("slow", f"{url}: {err}") from err
    except (requests.RequestException, ValueError) as err:
        raise SignInRefused("unavailable", f"{url}: {err}") from err
    if not isinstance(body, dict):
        raise SignInRefused("unavailable", f"{url}: not a JSON object")
    return body


def discover(provider: Provider, timeout: float) -> dict:
    """The provider's metadata (its endpoints), which must name the issuer configured."""
    meta = _get_json(provider.issuer.rstrip("/") + "/.well-known/openid-configuration", timeout)
    if meta.get("issuer") != provider.issuer:
        raise SignInRefused("issuer", f"metadata names issuer {meta.get('issuer')!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(meta.get(key), str):
            raise SignInRefused("unavailable", f"metadata has no {key}")
    return meta


def _client(provider: Provider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(provider.client_id, provider.client_secret, scope=SCOPE,
                         redirect_uri=redirect_uri, code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method
                         )


def authorization_request(provider: Provider, redirect_uri: str, timeout: float,
                          next_url: str = "") -> tuple[str, Pending]:
    """Where to send the person, and what to keep until they come back."""
    meta = discover(provider, timeout)
    pending = Pending(provider=provider.slug, state=generate_token(32),
                      nonce=generate_token(32), verifier=generate_token(64), next_url=next_url)
    with _client(provider, redirect_uri) as client:
        url, _state = client.create_authorization_url(
            meta["authorization_endpoint"], state=pending.state, nonce=pending.nonce,
            code_verifier=pending.verifier)
    return url, pending


def finish(provider: Provider, pending: Pending, args: dict, redirect_uri: str,
           timeout: float) -> tuple[dict, str]:
    """The ID token's claims, once the code is exchanged and the token has passed every
    check, and the provider's sign-out address ("" if it has none). `args` is the query the
    provider sent the person back with."""
    if args.get("error"):
        raise SignInRefused("provider_error", f"{args.get('error')}: "
                            f"{str(args.get('error_description', ''))[:200]}")
    # RFC 9207: a provider that says who it is must be the one we sent the person to.
    if args.get("iss") and args["iss"] != provider.issuer:
        raise SignInRefused("issuer", f"iss parameter {args['iss']!r}")
    code = args.get("code")
    if not code:
        raise SignInRefused("provider_error", "no code in the answer")
    meta = discover(provider, timeout)
    try:
        with _client(provider, redirect_uri) as client:
            token = client.fetch_token(meta["token_endpoint"], code=code,
                                       code_verifier=pending.verifier, timeout=timeout)
    except requests.Timeout as err:
        raise SignInRefused("slow", f"token endpoint: {err}") from err
    except OAuthError as err:
        raise SignInRefused("provider_error", f"token endpoint refused the code: {err}") from err
    except (requests.RequestException, ValueError) as err:
        raise SignInRefused("unavailable", f"token endpoint: {err}") from err
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("token", "no ID token in the token answer")
    keys = _get_json(meta["jwks_uri"], timeout)
    claims = verify_id_token(provider, id_token, keys, pending.nonce)
    end_session = meta.get("end_session_endpoint")
    return claims, end_session if isinstance(end_session, str) else ""


def verify_id_token(provider: Provider, id_token: str, jwks: dict, nonce: str) -> dict:
    """The claims of an ID token signed by one of the provider's keys, issued by it, for
    govflow, not expired, and carrying the nonce of this sign-in."""
    try:
        key_set = KeySet.import_key_set(jwks)
        token = jwt.decode(id_token, key_set, algorithms=list(ALGORITHMS))
    except BadSignatureError as err:
        raise SignInRefused("signature", str(err)) from err
    except (JoseError, ValueError, TypeError, KeyError) as err:
        # Among them: a key id the provider never published (a forged token, mostly).
        raise SignInRefused("signature", f"{type(err).__name__}: {err}") from err
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as err:
        raise SignInRefused("expired", str(err)) from err
    except (InvalidClaimError, MissingClaimError) as err:
        raise SignInRefused("issuer" if "iss" in str(err) else "token", str(err)) from err
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_id not in audiences or (
            len(audiences) > 1 and claims.get("azp") != provider.client_id):
        raise SignInRefused("audience", f"aud {audience!r}")
    if claims.get("nonce") != nonce:
        raise SignInRefused("nonce", "the nonce is not this sign-in's")
    return claims
