"""Every form that changes something carries a one-time submission key, so a new form cannot
forget it: the templates are read for forms that post, and every POST route in the URL map is
visited through the page that shows its form, as someone allowed to use it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from submission_forms import forms_on

from govflow.extensions import db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# Forms that post without a key, and why a second send of them can do no harm.
NO_KEY_TEMPLATES = {
    "accounts/sign_in.html": "signing in changes nothing a second sign-in could repeat",
    "base.html": "the header's Sign out: signing out twice leaves you signed out",
}
NO_KEY_ROUTES = {
    "accounts.sign_in": "signing in changes nothing a second sign-in could repeat",
    "accounts.sign_out": "signing out twice leaves you signed out",
    # Reached only between the password and the code: a code is accepted once, so a second
    # send of the same code is refused as used.
    "accounts.sign_in_code": "a code is accepted once; sending it again is refused",
    # The raise form's "Check for similar blockers" button (formaction) without JavaScript:
    # it only shows suggestions, and carries the raise form's key on to "Raise my blocker".
    "systemic.check_from_raise_form": "shows similar blockers; changes nothing",
}

# Routes that only accept POST: the page (endpoint) whose form posts to them.
HOSTS = {
    "accounts.create_token": "accounts.account",
    "accounts.revoke_token": "accounts.account",
    "accounts.new_recovery_codes": "accounts.two_factor",
    "accounts.turn_off_two_factor": "accounts.two_factor",
    "accounts.end_absence": "accounts.absences",
    "admin.reactivate_person": "admin.edit_person",
    "forums.add_topic": "forums.agenda",
    "forums.add_item": "forums.agenda",
    "forums.refresh_agenda": "forums.agenda",
    "forums.move": "forums.agenda",
    "forums.remove": "forums.agenda",
    "forums.stop_rhythm": "forums.rhythm",
    "forums.subscribe_mine": "forums.calendar_feeds",
    "forums.subscribe_forum": "forums.show",
    "forums.revoke_feed": "forums.calendar_feeds",
    "forums.save_notes": "forums.agenda_item",
    "forums.add_guest": "forums.attendance",
    "forums.remove_attendance": "forums.attendance",
    "forums.declare_conflict": "forums.attendance",
    "forums.remove_conflict": "forums.attendance",
    "items.comment": "items.show",
    "follows.follow": "items.show",
    "notifications.mark_all_read": "notifications.inbox",
}

# Who looks for the forms: the first of these the page lets in.
ROLES = ("admin", "sponsor", "facilitator", "executive", "secretary", "practitioner")
# Minutes are approved by the meeting's chair and nobody else.
CHAIR = {"forums.approve": ("SELECT u.email FROM meetings m JOIN users u ON u.id = m.chair_id "
                            "WHERE m.status = 'held' ORDER BY m.id",),
         # Dispensations are the chair's too (the open meeting's).
         "forums.dispensation": ("SELECT u.email FROM meetings m JOIN users u ON u.id = "
                                 "m.chair_id WHERE m.id = (SELECT min(m.id) FROM meetings m "
                                 "WHERE m.status <> 'approved' AND EXISTS (SELECT 1 FROM "
                                 "agenda_items a WHERE a.meeting_id = m.id))",)}


def test_every_template_form_that_posts_carries_a_key():
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        source = path.read_text()
        for match in re.finditer(r"<form\b[^>]*>", source):
            if not re.search(r'method="post"', match.group(0), re.I):
                continue
            body = source[match.end():source.find("</form>", match.end())]
            if "form_keys(" not in body and name not in NO_KEY_TEMPLATES:
                line = source.count("\n", 0, match.start()) + 1
                missing.append(f"{name}:{line}")
    assert not missing, ("these forms post without {{ form_keys(form) }} "
                         "(templates/macros/forms.html): " + ", ".join(missing))


# --- the URL map --------------------------------------------------------------------------

OPEN_MEETING = ("(SELECT min(m.id) FROM meetings m WHERE m.status <> 'approved' AND EXISTS "
                "(SELECT 1 FROM agenda_items a WHERE a.meeting_id = m.id))")
ARGS_SQL = {
    "item_id": "SELECT min(i.id) FROM items i JOIN local_areas a ON a.id = i.area_id "
               "WHERE a.slug = 'denaby' AND i.kind = 'blocker' AND i.state = 'bronze'",
    "decision_id": "SELECT min(d.id) FROM decisions d WHERE NOT EXISTS "
                   "(SELECT 1 FROM decisions c WHERE c.supersedes_id = d.id)",
    "action_id": "SELECT min(id) FROM sponsor_actions WHERE status = 'open'",
    "meeting_id": f"SELECT {OPEN_MEETING}",
    "agenda_item_id": f"SELECT min(id) FROM agenda_items WHERE meeting_id = {OPEN_MEETING}",
    "area_id": "SELECT id FROM local_areas WHERE slug = 'denaby'",
    "org_id": "SELECT min(id) FROM organisations",
    "user_id": "SELECT min(id) FROM users WHERE NOT active",
    # The administrator's own comment that _prepare adds (Correct this comment).
    "comment_id": "SELECT max(id) FROM comments",
    # The declaration of interest _prepare adds at the open meeting (a dispensation's form).
    "conflict_id": "SELECT max(id) FROM conflict_declarations",
    "agreement_id": "SELECT min(id) FROM agreements",  # the demo register's
    # Files are added to an item (the blocker above); any one of them for its own pages.
    "owner_id": "SELECT min(i.id) FROM items i JOIN local_areas a ON a.id = i.area_id "
                "WHERE a.slug = 'denaby' AND i.kind = 'blocker' AND i.state = 'bronze'",
    "attachment_id": "SELECT coalesce(min(id), 1) FROM attachments",
    "provider_id": "SELECT max(id) FROM identity_providers",
}
# A dispensation is the chair's to record, at the open meeting where _prepare declares one.
CHAIR["forums.dispensation"] = (
    f"SELECT u.email FROM meetings m JOIN users u ON u.id = m.chair_id WHERE m.id = {OPEN_MEETING}",)
# Pages that need a meeting in a particular state, or an agenda entry of a particular kind.
MEETING_IN_STATE = {
    "forums.close": "planned",
    "forums.approve": "held",
    "forums.addenda": "approved",
}


def _args(endpoint: str) -> dict:
    values = {name: db.session.execute(text(sql)).scalar() for name, sql in ARGS_SQL.items()}
    values["slug"] = "central-forum" if endpoint.startswith("forums.") else "denaby"
    values["trigger"] = "escalate"
    values["owner_kind"] = "item"
    if endpoint in MEETING_IN_STATE:
        values["meeting_id"] = db.session.execute(text(
            "SELECT min(id) FROM meetings WHERE status = :s"),
            {"s": MEETING_IN_STATE[endpoint]}).scalar()
    if endpoint == "forums.decision":
        row = db.session.execute(text(
            f"SELECT a.meeting_id, a.id, i.kind FROM agenda_items a JOIN items i ON i.id = "
            f"a.item_id WHERE a.meeting_id = {OPEN_MEETING} ORDER BY a.id")).first()
        values["meeting_id"], values["agenda_item_id"] = row[0], row[1]
        values["trigger"] = "approve" if row[2] == "idea" else "escalate"
    if endpoint == "learning.try_here":  # "Try it here" is offered on an adopted idea
        values["item_id"] = db.session.execute(text(
            "SELECT min(id) FROM items WHERE kind = 'idea' AND state = 'adopted'")).scalar()
    if endpoint == "preferences.unsubscribe":  # a link as an email carries it
        from govflow.notifications.preferences import unsubscribe_token

        values["token"] = unsubscribe_token(values["user_id"] or 1, "item_changed")
    if endpoint == "admin.deactivate_person":
        values["user_id"] = db.session.execute(text(
            "SELECT min(id) FROM users WHERE active AND email LIKE 'priya%'")).scalar()
    values["owner_kind"], values["owner_id"] = "item", values["item_id"]  # attachments
    if endpoint == "learning.try_here":  # an adopted idea, tried in one's own area
        values["item_id"] = db.session.execute(text(
            "SELECT min(id) FROM items WHERE kind = 'idea' AND state = 'adopted'")).scalar()
    # An agenda item referred between a group and the centre (answer), or one of a sponsor
    # action (its outcome), on a meeting whose minutes are not approved yet.
    link = {"forums.answer": "referral_id", "forums.action_outcome": "sponsor_action_id"}
    if endpoint in link:
        row = db.session.execute(text(
            "SELECT a.meeting_id, a.id FROM agenda_items a JOIN meetings m ON m.id = "
            f"a.meeting_id WHERE m.status <> 'approved' AND a.{link[endpoint]} IS NOT NULL "
            "ORDER BY a.id")).first()
        if row:
            values["meeting_id"], values["agenda_item_id"] = row
    return values


@pytest.fixture
def signed_in(app, auth, client):
    """role -> a test client signed in as that role's demo person."""
    from tests.conftest import Auth, demo_people

    clients = {}

    def get(role_or_email: str):
        if role_or_email not in clients:
            c = app.test_client()
            email = demo_people().get(role_or_email, role_or_email)
            assert Auth(c, app).login(email).status_code == 302, email
            clients[role_or_email] = c
        return clients[role_or_email]

    return get


def _prepare(people):
    """Things some forms need before they show: a deactivated person (Reactivate), an API
    token (Revoke), a guest and a conflict at the meeting (Remove)."""
    from govflow.accounts.models import ApiToken
    from govflow.forums.models import AgendaItem, ConflictDeclaration, Meeting, MeetingAttendance

    db.session.add(ApiToken(user_id=people["admin"].id, name="Forms test", token_hash="0" * 64,
                            prefix="gf_test"))
    from govflow.accounts.deputy_models import Absence, london_today
    from govflow.accounts.sso_models import IdentityProvider
    from govflow.forums.schedule_models import CalendarFeed

    # A calendar address (Stop this address) and a sign-in provider (its edit page).
    db.session.add(CalendarFeed(user_id=people["admin"].id, token_hash="1" * 64))
    db.session.add(IdentityProvider(
        slug="forms-test", name="Forms test", issuer="https://id.example", client_id="govflow",
        client_secret="not-a-secret", organisation_id=people["admin"].organisation_id))
    from govflow.items.models import Comment

    # An absence of the administrator's (End).
    db.session.add(Absence(user_id=people["admin"].id, starts_on=london_today(),
                           ends_on=london_today() + timedelta(days=3)))
    db.session.add(Comment(item_id=db.session.execute(text(ARGS_SQL["item_id"])).scalar(),
                           author_id=people["admin"].id, body="A comment to correct."))
    from tests.conftest import demo_people

    signs_in = set(demo_people().values())
    someone = next(p for email, p in people.items() if "@" in email and email not in signs_in)
    db.session.execute(text("UPDATE users SET active = false WHERE id = :id"),
                       {"id": someone.id})
    meeting_id = db.session.execute(text(f"SELECT {OPEN_MEETING}")).scalar()
    db.session.add(MeetingAttendance(meeting_id=meeting_id, guest_name="A community member",
                                     guest_role="Café host", status="present"))
    db.session.add(ConflictDeclaration(meeting_id=meeting_id, person_name="A community member",
                                       declaration="Runs the café that hosts the club."))
    # A planned meeting (Close) with a sponsor action on its agenda (Record what happened),
    # and one whose minutes are approved (Add a correction).
    held = db.session.get(Meeting, meeting_id)
    action_id = db.session.execute(text(ARGS_SQL["action_id"])).scalar()
    planned = Meeting(forum_id=held.forum_id, starts_at=held.starts_at + timedelta(days=28),
                      chair_id=held.chair_id, status="planned")
    approved = Meeting(forum_id=held.forum_id, starts_at=held.starts_at - timedelta(days=28),
                       chair_id=held.chair_id, status="approved", minutes_pdf=b"%PDF-1.7",
                       minutes_sha256="0" * 64, approved_at=held.starts_at)
    db.session.add_all([planned, approved])
    db.session.flush()
    db.session.add(AgendaItem(meeting_id=planned.id, position=1, kind="sponsor_action",
                              sponsor_action_id=action_id, title="An action from before"))
    db.session.flush()


def _post_forms(app, client, url: str) -> list:
    with client.get(url) as page:
        if page.status_code != 200:
            return []
        html = page.get_data(as_text=True)
    adapter = app.url_map.bind("localhost")
    found = []
    for form in forms_on(html, url):
        if form.method != "post":
            continue
        try:
            endpoint, _ = adapter.match(form.action.split("?")[0], method="POST")
        except Exception:  # noqa: BLE001, S112 - another site's address, or not a route
            continue
        found.append((endpoint, form, url))
    return found


def test_every_post_route_is_reached_through_a_form_that_carries_a_key(app, people, signed_in):
    from flask import url_for

    _prepare(people)
    # Signed in first, then given a second factor: its page then shows the forms that make
    # new recovery codes and turn it off.
    from govflow.accounts.factor_models import SecondFactor

    signed_in("practitioner")
    db.session.add(SecondFactor(user_id=people["practitioner"].id, secret="A" * 32))
    db.session.flush()
    rules = [r for r in app.url_map.iter_rules()
             if "POST" in r.methods and not r.endpoint.startswith("api.")
             and r.endpoint not in NO_KEY_ROUTES]
    unhosted = [r.endpoint for r in rules if "GET" not in r.methods and r.endpoint not in HOSTS]
    assert not unhosted, f"say in HOSTS which page shows the form of: {unhosted}"

    found: dict[str, list] = {}
    for rule in rules:
        page_endpoint = rule.endpoint if "GET" in rule.methods else HOSTS[rule.endpoint]
        page_rule = next(r for r in app.url_map.iter_rules() if r.endpoint == page_endpoint)
        args = _args(rule.endpoint)
        with app.test_request_context():
            url = url_for(page_endpoint, **{k: v for k, v in args.items()
                                            if k in page_rule.arguments})
        for role in CHAIR.get(rule.endpoint, ROLES):
            if role.startswith("SELECT"):
                role = db.session.execute(text(role)).scalar()
            forms = [f for f in _post_forms(app, signed_in(role), url) if f[0] == rule.endpoint]
            if forms:
                found[rule.endpoint] = forms
                break
    not_found = sorted(r.endpoint for r in rules if r.endpoint not in found)
    assert not not_found, f"no page showed a form posting to: {not_found}"
    keyless = sorted({f"{endpoint} (on {url})" for endpoint, forms in found.items()
                      for _, form, url in forms if not form.hidden.get("submission_key")})
    assert not keyless, f"forms without a submission key: {keyless}"
