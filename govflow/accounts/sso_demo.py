"""Demo data for single sign-on: a sign-in provider set up for the trust (switched off)."""

from __future__ import annotations

from sqlalchemy import select

from govflow.accounts.models import Organisation
from govflow.accounts.sso_models import IdentityProvider
from govflow.extensions import db


def load_demo_extras() -> dict:
    from govflow.seeding import _read

    added = 0
    for entry in _read("demo/sign_in_providers.yaml"):
        if db.session.scalar(select(IdentityProvider)
                             .where(IdentityProvider.slug == entry["slug"])) is not None:
            continue
        org = db.session.scalar(select(Organisation)
                                .where(Organisation.slug == entry["organisation"]))
        db.session.add(IdentityProvider(
            slug=entry["slug"], name=entry["name"], issuer=entry["issuer"],
            client_id=entry["client_id"], client_secret=entry["client_secret"],
            domains="\n".join(entry["domains"]), organisation=org,
            create_accounts=bool(entry.get("create_accounts")),
            active=bool(entry.get("active"))))
        added += 1
    db.session.flush()
    return {"sign-in providers": added}
