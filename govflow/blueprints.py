"""Registers every feature's blueprint; one line per feature."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from govflow.accounts import deputy_views, two_factor_views  # noqa: F401 - on accounts
    from govflow.accounts.sso_views import bp as sso
    from govflow.accounts.views import bp as accounts
    from govflow.admin import sso_views as admin_sso  # noqa: F401 - its routes, on that blueprint
    from govflow.admin.views import bp as admin
    from govflow.agreements.views import bp as agreements
    from govflow.api import bp as api
    from govflow.api.reference import bp as api_reference
    from govflow.attachments.views import bp as attachments
    from govflow.dashboard.views import bp as dashboard
    from govflow.decisions.views import bp as decisions
    from govflow.follows.views import bp as follows
    from govflow.forums.views import bp as forums
    from govflow.forums.views.feeds import public as calendar_feeds
    from govflow.items import (
        list_views,  # noqa: F401 - the list pages' routes, on that blueprint
        print_views,  # noqa: F401 - an item as PDF, on that blueprint
    )
    from govflow.items.idea_views import bp as ideas
    from govflow.items.views import bp as items
    from govflow.learning.views import bp as learning
    from govflow.main import bp as main
    from govflow.notifications.preference_views import bp as preferences
    from govflow.notifications.views import bp as notifications
    from govflow.outcomes.views import bp as outcomes
    from govflow.search.views import bp as search
    from govflow.sponsors.area_views import bp as areas
    from govflow.sponsors.views import bp as sponsors
    from govflow.systemic.views import bp as systemic

    for bp in (main, accounts, admin, api, areas, sponsors, decisions, ideas, forums):
        app.register_blueprint(bp)
    app.register_blueprint(items)
    app.register_blueprint(dashboard)
    app.register_blueprint(systemic)
    app.register_blueprint(notifications)
    app.register_blueprint(preferences)
    app.register_blueprint(follows)
    app.register_blueprint(sso)
    app.register_blueprint(outcomes)
    app.register_blueprint(search)
    app.register_blueprint(learning)
    app.register_blueprint(agreements)
    app.register_blueprint(api_reference)
    app.register_blueprint(attachments)
    app.register_blueprint(calendar_feeds)
