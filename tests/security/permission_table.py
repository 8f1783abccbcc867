"""Who may use which route: the expected answer for each role and for someone signed out.

Each row is {role: status or (statuses...)}; "*" is every role not named, "anonymous" is
signed out. 302 for a signed-out page is the redirect to the sign-in page; the API answers
401 instead. POST-only routes are tried with a valid CSRF token and no other fields, so a
person allowed to use them gets 400 (the form is incomplete) where someone not allowed gets
403 or 404 — the difference is the permission.
"""

from __future__ import annotations

ROLES = ("anonymous", "practitioner", "facilitator", "head_of_service", "executive", "sponsor",
         "secretary", "admin")

# The common rows, by what they mean.
SIGNED_IN = {"anonymous": 302, "*": 200}  # anyone signed in
ADMIN_ONLY = {"anonymous": 302, "*": 403, "admin": 200}
# Signed in, but what the matrix asks for is not there for them (someone else's, or none).
SIGNED_IN_NOT_FOUND = {"anonymous": 302, "*": 404}
API_READ = {"anonymous": 401, "*": 200}  # the API's reads, for anyone signed in
API_TOKEN_ONLY = {"anonymous": 401, "*": 401}  # the API's writes: a token, never a session
PUBLIC = {"anonymous": 200, "*": 200}
REDIRECTS_EVERYONE = {"anonymous": 302, "*": 302}  # e.g. signing out: back to a page
NOT_FOUND_FOR_EVERYONE = {"anonymous": 404, "*": 404}
# A POST-only route sent with nothing but the CSRF token: 400 for whoever may use it.
SIGNED_IN_EMPTY_FORM = {"anonymous": 302, "*": 400}
ADMIN_EMPTY_FORM = {"anonymous": 302, "*": 403, "admin": 400}
# Routes for administrators alone that, asked by one, send them back to a page, or find
# nothing of the matrix's to act on.
ADMIN_REDIRECTED = {"anonymous": 302, "*": 403, "admin": 302}
ADMIN_NOT_FOUND = {"anonymous": 302, "*": 403, "admin": 404}
# The pages of the people a kind of work belongs to (and administrators).
SECRETARIES = {"anonymous": 302, "*": 403, "secretary": 200, "admin": 200}
FACILITATORS = {"anonymous": 302, "*": 403, "facilitator": 200, "admin": 200}
SPONSOR_ACTION_RECORDERS = {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200,
                            "secretary": 200}

TABLE: dict[str, dict] = {
    # accounts
    "accounts.account": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.create_token": SIGNED_IN_EMPTY_FORM,
    "accounts.revoke_token": SIGNED_IN_NOT_FOUND,
    "accounts.sign_in": {"anonymous": 200, "*": 302},
    "accounts.sign_out": REDIRECTS_EVERYONE,
    # The second factor: the code page without a right password first goes back to sign-in;
    # recovery codes and turning off are for someone who has set it up (nobody in the demo).
    "accounts.sign_in_code": REDIRECTS_EVERYONE,
    "accounts.two_factor": SIGNED_IN,
    "accounts.new_recovery_codes": SIGNED_IN_NOT_FOUND,
    "accounts.turn_off_two_factor": SIGNED_IN_NOT_FOUND,
    # Absences and deputies: one's own page; ending an absence that is not one's own is 404.
    "accounts.absences": SIGNED_IN,
    "accounts.end_absence": SIGNED_IN_NOT_FOUND,
    # attachments: the demo club meeting's file, seen by everyone signed in; the page adding
    # one to a Denaby blocker, for anyone who may comment on it (everyone: it is open).
    "attachments.download": SIGNED_IN,
    "attachments.new": SIGNED_IN,
    # admin
    "admin.areas": ADMIN_ONLY,
    "admin.areas_csv": ADMIN_ONLY,
    "admin.deactivate_person": ADMIN_ONLY,
    "admin.edit_area": ADMIN_ONLY,
    "admin.edit_organisation": ADMIN_ONLY,
    "admin.edit_person": ADMIN_ONLY,
    "admin.index": ADMIN_ONLY,
    "admin.new_person": ADMIN_ONLY,
    "admin.organisations": ADMIN_ONLY,
    "admin.organisations_csv": ADMIN_ONLY,
    "admin.people": ADMIN_ONLY,
    "admin.people_csv": ADMIN_ONLY,
    "admin.reactivate_person": ADMIN_REDIRECTED,
    "admin.record": ADMIN_ONLY,
    "admin.edit_sign_in_provider": {"anonymous": 302, "*": 403, "admin": (200, 404)},
    "admin.sign_in_providers": ADMIN_ONLY,
    # agreements
    "agreements.index": SIGNED_IN,
    "agreements.new": {"anonymous": 302, "*": 200, "practitioner": 403},
    "agreements.review": {"anonymous": 302, "*": 403, "facilitator": 200, "executive": 200,
                          "sponsor": 200, "admin": 200},
    "agreements.show": SIGNED_IN,
    # api
    "api.actions_create": API_TOKEN_ONLY,
    "api.actions_done": API_TOKEN_ONLY,
    "api.actions_drop": API_TOKEN_ONLY,
    "api.actions_index": API_READ,
    "api.actions_show": API_READ,
    "api.areas_index": API_READ,
    "api.areas_show": API_READ,
    "api.get_decision": API_READ,
    "api.indicators": API_READ,
    "api.items_create": API_TOKEN_ONLY,
    "api.items_index": API_READ,
    "api.items_show": API_READ,
    "api.items_transition": API_TOKEN_ONLY,
    "api.list_decisions": API_READ,
    "api.metrics": API_READ,
    "api.openapi": PUBLIC,
    "api.similar_items": {"anonymous": 401, "*": 400},
    # areas
    "areas.index": SIGNED_IN,
    "areas.show": SIGNED_IN,
    # dashboard
    "dashboard.index": SIGNED_IN,
    "dashboard.items": SIGNED_IN_NOT_FOUND,
    "dashboard.items_csv": SIGNED_IN_NOT_FOUND,
    "dashboard.report_pdf": SIGNED_IN,
    "dashboard.table_csv": SIGNED_IN_NOT_FOUND,
    # decisions
    "decisions.correct": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200, "admin": 200},
    "decisions.export": SIGNED_IN,
    "decisions.index": SIGNED_IN,
    "decisions.show": SIGNED_IN,
    # forums
    "forums.action_outcome": ADMIN_NOT_FOUND,
    "forums.add_guest": ADMIN_EMPTY_FORM,
    "forums.add_item": ADMIN_EMPTY_FORM,
    "forums.add_topic": ADMIN_EMPTY_FORM,
    "forums.addenda": {"anonymous": 302, "*": 403, "admin": 409},
    "forums.addenda_pdf": SIGNED_IN_NOT_FOUND,
    "forums.agenda": ADMIN_ONLY,
    "forums.agenda_item": SIGNED_IN,
    "forums.approve": {"anonymous": 302, "*": 403},
    "forums.attendance": ADMIN_ONLY,
    "forums.close": {"anonymous": 302, "*": 403, "admin": 409},
    "forums.decision": ADMIN_NOT_FOUND,
    "forums.decision_log": SIGNED_IN,
    "forums.decision_log_pdf": SIGNED_IN,
    "forums.declare_conflict": ADMIN_EMPTY_FORM,
    # the chair (or a vice-chair) of the meeting only: none of the demo sign-ins chairs it
    "forums.dispensation": {"anonymous": 302, "*": 403},
    "forums.forum_quorum": SECRETARIES,
    "forums.edit_forum": ADMIN_ONLY,
    "forums.edit_meeting": ADMIN_ONLY,
    "forums.index": SIGNED_IN,
    "forums.meeting": SIGNED_IN,
    "forums.meeting_calendar": SIGNED_IN,
    "forums.members": ADMIN_ONLY,
    "forums.minutes_pdf": SIGNED_IN,
    "forums.move": ADMIN_EMPTY_FORM,
    "forums.new_action": ADMIN_ONLY,
    "forums.new_forum": ADMIN_ONLY,
    "forums.new_meeting": SECRETARIES,
    "forums.record_past_meeting": SECRETARIES,
    "forums.refresh_agenda": ADMIN_REDIRECTED,
    "forums.remove": ADMIN_REDIRECTED,
    "forums.rhythm": SECRETARIES,
    "forums.stop_rhythm": {"anonymous": 302, "*": 403, "secretary": (302, 409),
                           "admin": (302, 409)},
    "forums.cancel_meeting": ADMIN_ONLY,
    "forums.calendar_feeds": SIGNED_IN,
    "forums.refer": FACILITATORS,
    # From the item's own page: for the local group of its area (Denaby's facilitator).
    "forums.refer_item": FACILITATORS,
    "forums.answer": {"anonymous": 302, "*": 403, "admin": (200, 404)},
    "forums.subscribe_mine": SIGNED_IN,
    "forums.subscribe_forum": SIGNED_IN,
    "forums.revoke_feed": SIGNED_IN_NOT_FOUND,
    "calendar_feeds.feed": NOT_FOUND_FOR_EVERYONE,
    "forums.remove_attendance": ADMIN_NOT_FOUND,
    "forums.remove_conflict": ADMIN_NOT_FOUND,
    "forums.save_notes": ADMIN_REDIRECTED,
    "forums.show": SIGNED_IN,
    # ideas
    "ideas.new": SIGNED_IN,
    "ideas.proposed": SIGNED_IN_NOT_FOUND,
    # items
    "items.action": {"anonymous": 302, "*": 200, "practitioner": 403, "head_of_service": 403, "secretary": 403},
    "items.comment": SIGNED_IN_EMPTY_FORM,
    # The demo's first comment is on another item than the matrix's: not found, for everyone.
    "items.correct_comment": SIGNED_IN_NOT_FOUND,
    "items.how_it_works": PUBLIC,
    "items.mine": SIGNED_IN,
    "items.new_blocker": SIGNED_IN,
    "items.new_choice": SIGNED_IN,
    "items.queue": SIGNED_IN,
    "items.restriction": {"anonymous": 302, "*": 200, "practitioner": 403, "secretary": 403},
    "items.show": SIGNED_IN,
    "items.print_pdf": SIGNED_IN,
    # learning
    "learning.export": SIGNED_IN,
    "learning.library": SIGNED_IN,
    "learning.try_here": SIGNED_IN_NOT_FOUND,
    # main
    "main.accessibility": PUBLIC,
    "main.healthz": PUBLIC,
    "main.home": SIGNED_IN,
    "main.me": REDIRECTS_EVERYONE,
    "main.privacy": PUBLIC,
    # outcomes
    "outcomes.families": SIGNED_IN,
    "outcomes.families_csv": SIGNED_IN,
    "outcomes.figures_csv": SIGNED_IN,
    "outcomes.import_figures": FACILITATORS,
    "outcomes.index": SIGNED_IN,
    "outcomes.new_family_feedback": FACILITATORS,
    "outcomes.new_figure": FACILITATORS,
    "outcomes.public": NOT_FOUND_FOR_EVERYONE,  # off until an administrator switches it on
    "outcomes.public_page_switch": ADMIN_ONLY,
    "outcomes.subscriptions": SIGNED_IN,
    # notifications
    "notifications.inbox": SIGNED_IN,
    "notifications.inbox_csv": SIGNED_IN,
    "notifications.mark_all_read": REDIRECTS_EVERYONE,
    "notifications.open_notification": SIGNED_IN_NOT_FOUND,
    "preferences.edit": SIGNED_IN,
    "preferences.unsubscribe": NOT_FOUND_FOR_EVERYONE,  # a token we did not sign
    "follows.follow": {"anonymous": 302, "*": 303},  # anyone who can see the item
    # sponsors
    "sponsors.actions": SIGNED_IN,
    "sponsors.actions_csv": SIGNED_IN,
    "sponsors.complete_action": SPONSOR_ACTION_RECORDERS,
    "sponsors.drop_action": SPONSOR_ACTION_RECORDERS,
    "sponsors.change_action": SPONSOR_ACTION_RECORDERS,
    "sponsors.home": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200},
    "sponsors.new_action": SPONSOR_ACTION_RECORDERS,
    "sponsors.show_action": SIGNED_IN,
    # sso: no provider is configured in the suite, so starting and the callback are 404
    "sso.callback": NOT_FOUND_FOR_EVERYONE,
    "sso.signed_out": REDIRECTS_EVERYONE,
    "sso.start": NOT_FOUND_FOR_EVERYONE,
    # static
    "static": PUBLIC,
    # systemic
    "systemic.add_area": SIGNED_IN,
    "systemic.check_from_raise_form": SIGNED_IN,
    "systemic.similar": SIGNED_IN,
    "search.index": SIGNED_IN,
    "api_reference.index": SIGNED_IN,
}


def expected(endpoint: str, role: str) -> set[int]:
    row = TABLE[endpoint]
    value = row.get(role, row.get("*"))
    return set(value) if isinstance(value, tuple) else {value}
