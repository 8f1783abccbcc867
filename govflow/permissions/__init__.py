"""The access policy: who may see and who may do what to every kind of thing, and the SQL
filter that keeps lists, counts, search and exports to what a person may see.

Seeing is open: everyone signed in reads every item, its history, every decision and every
approved minutes, except restricted items, which only the people involved see. Acting comes
from one's own place (the owning area, the organisation, the tier, as the workflow files
say); adding an area to a blocker ("we have this too") makes it *affected*, never gives
powers. This package imports models and the database session, never a domain service: the
services ask it, not the other way round.

Every surface imports `govflow.permissions`; the rules live in its modules by area (items and
their SQL twin, local areas, decisions, attachments, forums, the library and agreements,
deputies), and the table of named powers below is the one list of what may be asked.
"""

from __future__ import annotations

from govflow.permissions.areas import (
    can_view_action,
    may_close_action,
    may_record_action_in,
    may_record_for_area,
    secretary_covers_area,
    sees_stuck_list,
)
from govflow.permissions.attachments import (
    ATTACHMENT_RULES,
    can_view_attachment,
    may_attach,
    may_attach_to_decision,
)
from govflow.permissions.decisions import (
    TIER_DECIDER_ROLES,
    can_correct_decision,
    can_view_decision,
    can_view_notification,
    correctable_entries,
)
from govflow.permissions.deputies import DEPUTY_ROLES, covered_people, may_deputise
from govflow.permissions.forums import (
    can_approve_minutes,
    can_run_meeting,
    can_view_minutes,
    chairs,
    is_forum_secretary,
    local_group_of,
    may_refer_item_to_central,
    may_refer_to_central,
    owns_feed,
    wrote_minutes,
)
from govflow.permissions.items import (
    CONTACT_COLUMNS,
    can_view_item,
    emails_shown,
    item_area_ids,
    item_relations,
    item_roles,
    may_add_area,
    may_follow,
    may_restrict,
    may_see_email,
    on_forum_agenda,
    sees_restricted,
)
from govflow.permissions.learning import may_record_agreement, may_review_agreement, may_try_idea
from govflow.permissions.predicates import (
    ROLE_WORDS,
    RULES,
    THINGS,
    IsAdmin,
    IsAtLeastSilver,
    IsFacilitator,
    IsGold,
    IsPractitioner,
    IsSecretary,
    IsSilver,
    IsSponsor,
    Predicate,
    SignedIn,
    as_rule,
    can,
    has_role,
    register,
    signed_in,
)
from govflow.permissions.visibility import (
    hidden_items,
    hidden_restricted_ids,
    item_visible_clause,
    on_agenda_clause,
    restricted_visibility_clause,
    sees_every_item,
    visibility_clause,
)

__all__ = [
    "ATTACHMENT_RULES", "CONTACT_COLUMNS", "DEPUTY_ROLES", "ROLE_WORDS", "RULES", "THINGS",
    "TIER_DECIDER_ROLES", "IsAdmin", "IsAtLeastSilver", "IsFacilitator", "IsGold",
    "IsPractitioner", "IsSecretary", "IsSilver", "IsSponsor", "Predicate", "SignedIn",
    "as_rule", "can", "can_approve_minutes", "can_correct_decision", "can_run_meeting",
    "can_view_action", "can_view_attachment", "can_view_decision", "can_view_item",
    "correctable_entries",
    "can_view_minutes", "can_view_notification", "chairs", "covered_people", "has_role",
    "hidden_items", "hidden_restricted_ids", "is_forum_secretary", "item_area_ids",
    "item_relations", "item_roles", "item_visible_clause", "local_group_of", "may_add_area",
    "may_attach",
    "may_attach_to_decision", "may_close_action", "may_deputise", "may_follow",
    "may_record_action_in", "may_record_agreement", "may_record_for_area",
    "may_refer_item_to_central", "may_refer_to_central", "may_restrict", "may_review_agreement", "may_see_email", "emails_shown",
    "may_try_idea", "on_agenda_clause", "on_forum_agenda", "owns_feed", "register",
    "restricted_visibility_clause", "secretary_covers_area", "sees_every_item",
    "sees_restricted", "sees_stuck_list", "signed_in", "visibility_clause", "wrote_minutes",
]

# ---------------------------------------------------------------------------
# The named powers: one table every view, template, export and the docs read
# ---------------------------------------------------------------------------

register("admin.manage", IsAdmin, "administration")
register("sign_in_provider.manage", IsAdmin, "sign-in provider")
register("item.raise", SignedIn)
register("item.view", as_rule(can_view_item))
# Whoever may follow an item may comment on it.
for _action in ("item.comment", "item.follow"):
    register(_action, as_rule(may_follow))
# Forums and areas are open to everyone signed in, so anyone may follow them.
register("forum.follow", SignedIn, "forum")
register("area.follow", SignedIn, "area")
register("item.find_similar", SignedIn)
register("search.use", SignedIn, "search")
register("api.reference", SignedIn, "API reference")
register("item.add_area", as_rule(may_add_area))
for _action in ("item.restrict", "item.unrestrict"):
    register(_action, as_rule(may_restrict))
register("decision.view", as_rule(can_view_decision))
register("decisions.view", SignedIn, "decision log")
register("decision.correct", as_rule(can_correct_decision))
register("decision.attach", as_rule(may_attach_to_decision))
register("attachment.view", as_rule(can_view_attachment))
register("dashboard.view", SignedIn)
register("area.view", SignedIn)
register("area.stuck", as_rule(sees_stuck_list))
register("sponsor.home", IsSponsor)
register("action.view", as_rule(can_view_action))
register("action.record", as_rule(may_record_action_in))
register("action.close", as_rule(may_close_action))
register("notification.view", as_rule(can_view_notification))
# Email settings: one's own, signed in; the unsubscribe link in an email is its own
# authority (signed for one person and one kind, expiring: notifications/preferences.py).
register("notification.preferences", SignedIn)
register("forums.manage", IsAdmin, "forum")
register("forums.view", SignedIn, "forum")
register("meeting.view", SignedIn)
for _action in ("meeting.run", "meeting.record_past"):
    register(_action, as_rule(can_run_meeting))
register("minutes.view", as_rule(can_view_minutes))
register("meeting.approve", as_rule(can_approve_minutes), "minutes")
register("meeting.dispense", as_rule(chairs))
register("forum.set_quorum", as_rule(can_run_meeting), "forum")
# can(deputy, "absence.stand_in", person_away): who may be named as someone's deputy.
register("absence.stand_in", as_rule(may_deputise), "absence")
# Local to central: from a local group's meeting, or from an item's own page without a
# meeting (for its own area's local group).
register("forum.refer", as_rule(may_refer_to_central), "forum")
register("item.refer_to_central", as_rule(may_refer_item_to_central))
# A calendar feed shows its owner's view (restricted items they may not see left out).
register("calendar.subscribe", SignedIn, "calendar feed")
register("calendar.revoke", as_rule(owns_feed), "calendar feed")

# Outcome indicators, what families told us, publishing
register("outcomes.view", SignedIn, "outcome indicators")
register("outcomes.enter_figures", as_rule(may_record_for_area), "outcome indicators")
register("families.view", SignedIn, "what families told us")
register("families.record", as_rule(may_record_for_area), "what families told us")
register("report.subscribe", SignedIn, "weekly progress report")
register("publication.manage", IsAdmin, "public page")

# The library and the agreements register (the minutes' own rules are "minutes.*" above)
register("library.view", SignedIn, "library")
register("idea.try_here", as_rule(may_try_idea), "item")
register("agreements.view", SignedIn, "agreement")
register("agreement.view", SignedIn)
register("agreement.record", as_rule(may_record_agreement))
register("agreement.review", as_rule(may_review_agreement))
