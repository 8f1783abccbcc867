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

TABLE: dict[str, dict] = {
    # accounts
    "accounts.account": {"anonymous": 302, "*": 200},
    "accounts.change_password": {"anonymous": 302, "*": 200},
    "accounts.create_token": {"anonymous": 302, "*": 400},
    "accounts.revoke_token": {"anonymous": 302, "*": 404},
    "accounts.sign_in": {"anonymous": 200, "*": 302},
    "accounts.sign_out": {"anonymous": 302, "*": 302},
    # The second factor: the code page without a right password first goes back to sign-in;
    # recovery codes and turning off are for someone who has set it up (nobody in the demo).
    "accounts.sign_in_code": {"anonymous": 302, "*": 302},
    "accounts.two_factor": {"anonymous": 302, "*": 200},
    "accounts.new_recovery_codes": {"anonymous": 302, "*": 404},
    "accounts.turn_off_two_factor": {"anonymous": 302, "*": 404},
    # Absences and deputies: one's own page; ending an absence that is not one's own is 404.
    "accounts.absences": {"anonymous": 302, "*": 200},
    "accounts.end_absence": {"anonymous": 302, "*": 404},
    # attachments: the demo club meeting's file, seen by everyone signed in; the page adding
    # one to a Denaby blocker, for anyone who may comment on it (everyone: it is open).
    "attachments.download": {"anonymous": 302, "*": 200},
    "attachments.new": {"anonymous": 302, "*": 200},
    # admin
    "admin.areas": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.areas_csv": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.deactivate_person": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.edit_area": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.edit_organisation": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.edit_person": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.index": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.new_person": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.organisations": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.organisations_csv": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.people": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.people_csv": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.reactivate_person": {"anonymous": 302, "*": 403, "admin": 302},
    "admin.record": {"anonymous": 302, "*": 403, "admin": 200},
    "admin.edit_sign_in_provider": {"anonymous": 302, "*": 403, "admin": (200, 404)},
    "admin.sign_in_providers": {"anonymous": 302, "*": 403, "admin": 200},
    # agreements
    "agreements.index": {"anonymous": 302, "*": 200},
    "agreements.new": {"anonymous": 302, "*": 200, "practitioner": 403},
    "agreements.review": {"anonymous": 302, "*": 403, "facilitator": 200, "executive": 200,
                          "sponsor": 200, "admin": 200},
    "agreements.show": {"anonymous": 302, "*": 200},
    # api
    "api.actions_create": {"anonymous": 401, "*": 401},
    "api.actions_done": {"anonymous": 401, "*": 401},
    "api.actions_drop": {"anonymous": 401, "*": 401},
    "api.actions_index": {"anonymous": 401, "*": 200},
    "api.actions_show": {"anonymous": 401, "*": 200},
    "api.areas_index": {"anonymous": 401, "*": 200},
    "api.areas_show": {"anonymous": 401, "*": 200},
    "api.get_decision": {"anonymous": 401, "*": 200},
    "api.indicators": {"anonymous": 401, "*": 200},
    "api.items_create": {"anonymous": 401, "*": 401},
    "api.items_index": {"anonymous": 401, "*": 200},
    "api.items_show": {"anonymous": 401, "*": 200},
    "api.items_transition": {"anonymous": 401, "*": 401},
    "api.list_decisions": {"anonymous": 401, "*": 200},
    "api.metrics": {"anonymous": 401, "*": 200},
    "api.openapi": {"anonymous": 200, "*": 200},
    "api.similar_items": {"anonymous": 401, "*": 400},
    # areas
    "areas.index": {"anonymous": 302, "*": 200},
    "areas.show": {"anonymous": 302, "*": 200},
    # dashboard
    "dashboard.index": {"anonymous": 302, "*": 200},
    "dashboard.items": {"anonymous": 302, "*": 404},
    "dashboard.items_csv": {"anonymous": 302, "*": 404},
    "dashboard.report_pdf": {"anonymous": 302, "*": 200},
    "dashboard.table_csv": {"anonymous": 302, "*": 404},
    # decisions
    "decisions.correct": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200, "admin": 200},
    "decisions.export": {"anonymous": 302, "*": 200},
    "decisions.index": {"anonymous": 302, "*": 200},
    "decisions.show": {"anonymous": 302, "*": 200},
    # forums
    "forums.action_outcome": {"anonymous": 302, "*": 403, "admin": 404},
    "forums.add_guest": {"anonymous": 302, "*": 403, "admin": 400},
    "forums.add_item": {"anonymous": 302, "*": 403, "admin": 400},
    "forums.add_topic": {"anonymous": 302, "*": 403, "admin": 400},
    "forums.addenda": {"anonymous": 302, "*": 403, "admin": 409},
    "forums.addenda_pdf": {"anonymous": 302, "*": 404},
    "forums.agenda": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.agenda_item": {"anonymous": 302, "*": 200},
    "forums.approve": {"anonymous": 302, "*": 403},
    "forums.attendance": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.close": {"anonymous": 302, "*": 403, "admin": 409},
    "forums.decision": {"anonymous": 302, "*": 403, "admin": 404},
    "forums.decision_log": {"anonymous": 302, "*": 200},
    "forums.decision_log_pdf": {"anonymous": 302, "*": 200},
    "forums.declare_conflict": {"anonymous": 302, "*": 403, "admin": 400},
    # the chair (or a vice-chair) of the meeting only: none of the demo sign-ins chairs it
    "forums.dispensation": {"anonymous": 302, "*": 403},
    "forums.forum_quorum": {"anonymous": 302, "*": 403, "secretary": 200, "admin": 200},
    "forums.edit_forum": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.edit_meeting": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.index": {"anonymous": 302, "*": 200},
    "forums.meeting": {"anonymous": 302, "*": 200},
    "forums.meeting_calendar": {"anonymous": 302, "*": 200},
    "forums.members": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.minutes_pdf": {"anonymous": 302, "*": 200},
    "forums.move": {"anonymous": 302, "*": 403, "admin": 400},
    "forums.new_action": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.new_forum": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.new_meeting": {"anonymous": 302, "*": 403, "secretary": 200, "admin": 200},
    "forums.record_past_meeting": {"anonymous": 302, "*": 403, "secretary": 200, "admin": 200},
    "forums.refresh_agenda": {"anonymous": 302, "*": 403, "admin": 302},
    "forums.remove": {"anonymous": 302, "*": 403, "admin": 302},
    "forums.rhythm": {"anonymous": 302, "*": 403, "secretary": 200, "admin": 200},
    "forums.stop_rhythm": {"anonymous": 302, "*": 403, "secretary": (302, 409),
                           "admin": (302, 409)},
    "forums.cancel_meeting": {"anonymous": 302, "*": 403, "admin": 200},
    "forums.calendar_feeds": {"anonymous": 302, "*": 200},
    "forums.refer": {"anonymous": 302, "*": 403, "facilitator": 200, "admin": 200},
    # From the item's own page: for the local group of its area (Denaby's facilitator).
    "forums.refer_item": {"anonymous": 302, "*": 403, "facilitator": 200, "admin": 200},
    "forums.answer": {"anonymous": 302, "*": 403, "admin": (200, 404)},
    "forums.subscribe_mine": {"anonymous": 302, "*": 200},
    "forums.subscribe_forum": {"anonymous": 302, "*": 200},
    "forums.revoke_feed": {"anonymous": 302, "*": 404},
    "calendar_feeds.feed": {"anonymous": 404, "*": 404},
    "forums.remove_attendance": {"anonymous": 302, "*": 403, "admin": 404},
    "forums.remove_conflict": {"anonymous": 302, "*": 403, "admin": 404},
    "forums.save_notes": {"anonymous": 302, "*": 403, "admin": 302},
    "forums.show": {"anonymous": 302, "*": 200},
    # ideas
    "ideas.new": {"anonymous": 302, "*": 200},
    "ideas.proposed": {"anonymous": 302, "*": 404},
    # items
    "items.action": {"anonymous": 302, "*": 200, "practitioner": 403, "head_of_service": 403, "secretary": 403},
    "items.comment": {"anonymous": 302, "*": 400},
    # The demo's first comment is on another item than the matrix's: not found, for everyone.
    "items.correct_comment": {"anonymous": 302, "*": 404},
    "items.how_it_works": {"anonymous": 200, "*": 200},
    "items.mine": {"anonymous": 302, "*": 200},
    "items.new_blocker": {"anonymous": 302, "*": 200},
    "items.new_choice": {"anonymous": 302, "*": 200},
    "items.queue": {"anonymous": 302, "*": 200},
    "items.restriction": {"anonymous": 302, "*": 200, "practitioner": 403, "secretary": 403},
    "items.show": {"anonymous": 302, "*": 200},
    "items.print_pdf": {"anonymous": 302, "*": 200},
    # learning
    "learning.export": {"anonymous": 302, "*": 200},
    "learning.library": {"anonymous": 302, "*": 200},
    "learning.try_here": {"anonymous": 302, "*": 404},
    # main
    "main.accessibility": {"anonymous": 200, "*": 200},
    "main.healthz": {"anonymous": 200, "*": 200},
    "main.home": {"anonymous": 302, "*": 200},
    "main.me": {"anonymous": 302, "*": 302},
    "main.privacy": {"anonymous": 200, "*": 200},
    # outcomes
    "outcomes.families": {"anonymous": 302, "*": 200},
    "outcomes.families_csv": {"anonymous": 302, "*": 200},
    "outcomes.figures_csv": {"anonymous": 302, "*": 200},
    "outcomes.import_figures": {"anonymous": 302, "*": 403, "facilitator": 200, "admin": 200},
    "outcomes.index": {"anonymous": 302, "*": 200},
    "outcomes.new_family_feedback": {"anonymous": 302, "*": 403, "facilitator": 200,
                                     "admin": 200},
    "outcomes.new_figure": {"anonymous": 302, "*": 403, "facilitator": 200, "admin": 200},
    "outcomes.public": {"anonymous": 404, "*": 404},  # off until an administrator switches it on
    "outcomes.public_page_switch": {"anonymous": 302, "*": 403, "admin": 200},
    "outcomes.subscriptions": {"anonymous": 302, "*": 200},
    # notifications
    "notifications.inbox": {"anonymous": 302, "*": 200},
    "notifications.inbox_csv": {"anonymous": 302, "*": 200},
    "notifications.mark_all_read": {"anonymous": 302, "*": 302},
    "notifications.open_notification": {"anonymous": 302, "*": 404},
    "preferences.edit": {"anonymous": 302, "*": 200},
    "preferences.unsubscribe": {"anonymous": 404, "*": 404},  # a token we did not sign
    "follows.follow": {"anonymous": 302, "*": 303},  # anyone who can see the item
    # sponsors
    "sponsors.actions": {"anonymous": 302, "*": 200},
    "sponsors.actions_csv": {"anonymous": 302, "*": 200},
    "sponsors.complete_action": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200, "secretary": 200},
    "sponsors.drop_action": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200, "secretary": 200},
    "sponsors.change_action": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200, "secretary": 200},
    "sponsors.home": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200},
    "sponsors.new_action": {"anonymous": 302, "*": 403, "executive": 200, "sponsor": 200, "secretary": 200},
    "sponsors.show_action": {"anonymous": 302, "*": 200},
    # sso: no provider is configured in the suite, so starting and the callback are 404
    "sso.callback": {"anonymous": 404, "*": 404},
    "sso.signed_out": {"anonymous": 302, "*": 302},
    "sso.start": {"anonymous": 404, "*": 404},
    # static
    "static": {"anonymous": 200, "*": 200},
    # systemic
    "systemic.add_area": {"anonymous": 302, "*": 200},
    "systemic.check_from_raise_form": {"anonymous": 302, "*": 200},
    "systemic.similar": {"anonymous": 302, "*": 200},
    "search.index": {"anonymous": 302, "*": 200},
    "api_reference.index": {"anonymous": 302, "*": 200},
}


def expected(endpoint: str, role: str) -> set[int]:
    row = TABLE[endpoint]
    value = row.get(role, row.get("*"))
    return set(value) if isinstance(value, tuple) else {value}
