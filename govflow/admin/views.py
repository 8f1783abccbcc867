"""Admin pages: manage people, organisations and local areas."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govflow.accounts import services, sso
from govflow.accounts.forms import AreaForm, NewUserForm, OrganisationForm, UserForm
from govflow.accounts.models import (
    AREA_ROLES,
    FORUM_ROLES,
    ORGANISATION_KINDS,
    ROLE_LABELS,
    ROLES,
    TIER_LABELS,
    LocalArea,
    Organisation,
    User,
)
from govflow.admin import queries
from govflow.csvexport import csv_response
from govflow.domain_errors import Invalid
from govflow.extensions import db
from govflow.form_flow import attempt
from govflow.paging import pages_of
from govflow.permissions import can

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 25
# Roles held everywhere; area and forum roles are chosen per area or forum on the same page.
PLAIN_ROLES = tuple(r for r in ROLES if r not in AREA_ROLES + FORUM_ROLES)
KIND_LABELS = {
    "council": "Council",
    "trust": "Children's services trust",
    "police": "Police",
    "health": "Health (hospitals, midwifery, health visiting)",
    "school": "School or schools partnership",
    "mental_health": "Mental health trust",
    "voluntary": "Voluntary or community group",
}
STATUSES = {"active": "Active", "deactivated": "Deactivated", "all": "Everyone"}


@bp.before_request
@login_required
def _admins_only():
    if not can(current_user, "admin.manage"):
        abort(403)


@bp.get("/")
def index():
    return render_template("admin/index.html", page_title="Administration",
                           counts=queries.counts())


@bp.get("/record")
def record():
    """Whether the record is intact: the last check, the last time it found it intact, and
    the daily roots (the witnesses sent to the central forum's secretaries)."""
    status = queries.record_status()
    return render_template("admin/record.html", page_title="The record", last=status.last,
                           last_intact=status.last_intact, roots=status.roots)


# ---------------------------------------------------------------- people


def _load(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


def _filters_from(args) -> dict:
    keep = {k: (args.get(k) or "").strip()[:200] for k in ("q", "role", "organisation", "area")}
    keep["status"] = args.get("status") if args.get("status") in STATUSES else "active"
    return {k: v for k, v in keep.items() if v}


@bp.get("/people")
def people():
    filters = _filters_from(request.args)
    query = queries.people_matching(filters)
    shown = pages_of(queries.count_of(query),
                     max(request.args.get("page", 1, type=int) or 1, 1), PER_PAGE)
    return render_template(
        "admin/people.html",
        page_title="People",
        people=queries.page_of(query, shown.page, PER_PAGE),
        **shown.template_words(),
        filters=filters,
        role_labels=ROLE_LABELS,
        tier_labels=TIER_LABELS,
        statuses=STATUSES,
        organisations=queries.organisations(),
        areas=queries.areas(),
        url_for_page=lambda n: url_for("admin.people", page=n, **filters),
        csv_url=url_for("admin.people_csv", **filters),
    )


@bp.get("/people.csv")
def people_csv():
    users = queries.everyone_matching(_filters_from(request.args))
    header = ["Email", "Name", "Job title", "Organisation", "Home area", "Tier", "Roles",
              "Sponsor for", "Facilitator for", "Secretary for", "Active", "Last signed in"]
    rows = []
    for u in users:
        s = services.user_summary(u)
        rows.append([
            u.email, u.display_name, u.job_title, s["organisation"] or "", s["home_area"] or "",
            TIER_LABELS[u.tier], "; ".join(ROLE_LABELS[r] for r in s["roles"]),
            "; ".join(s["sponsor_of"]), "; ".join(s["facilitator_of"]),
            "; ".join(s["secretary_of"]), u.active, u.last_sign_in_at,
        ])
    return csv_response("govflow-people", header, rows)


def _person_choices(form: UserForm) -> None:
    form.organisation.choices = [("", "Not set")] + [(o.slug, o.name) for o in queries.organisations()]
    areas = queries.areas()
    form.home_area.choices = [("", "Not set")] + [(a.slug, a.name) for a in areas]
    form.roles.choices = [(r, ROLE_LABELS[r]) for r in PLAIN_ROLES]
    form.sponsor_areas.choices = [(a.slug, a.name) for a in areas]
    form.facilitator_areas.choices = [(a.slug, a.name) for a in areas]
    form.secretary_forums.choices = [(f.slug, f.name) for f in queries.forums()]


def _role_specs(form: UserForm) -> list[tuple[str, str | None]]:
    specs: list[tuple[str, str | None]] = [(r, None) for r in form.roles.data or []]
    specs += [("sponsor", slug) for slug in form.sponsor_areas.data or []]
    specs += [("facilitator", slug) for slug in form.facilitator_areas.data or []]
    specs += [("secretary", slug) for slug in form.secretary_forums.data or []]
    return specs


def saved_and_back(name: str, existing, endpoint: str):
    """An organisation, area or sign-in provider was saved (or added, when there was none):
    say so on its list."""
    flash(f"{name} has been {'saved' if existing else 'added'}.", "success")
    return redirect(url_for(endpoint))


def _saved_or_form_again(form, save, existing, endpoint: str, template: str, **page):
    """An organisation's or area's form taken: back to its list when `save` worked, else
    the form again with what was wrong."""
    tried = attempt(form, save, rollback=True)
    if tried.done:
        return saved_and_back(tried.result.name, existing, endpoint)
    return render_template(template, form=form, **page)


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    form = NewUserForm()
    _person_choices(form)

    def add():
        user = services.create_user(
            form.email.data, form.display_name.data, password=form.password.data,
            organisation=form.organisation.data or None,
            home_area=form.home_area.data or None,
            job_title=(form.job_title.data or "").strip(),
        )
        services.set_roles(user, _role_specs(form))
        return user

    # The admin pages answer 200 with the errors shown (tests/admin), so tried.status is unused.
    tried = attempt(form, add, rollback=True)
    if tried.done:
        user = tried.result
        flash(f"{user.display_name} has been added. Their tier is "
              f"{TIER_LABELS[user.tier]}.", "success")
        return redirect(url_for("admin.edit_person", user_id=user.id))
    form.password.data = ""
    return render_template("admin/person_form.html", form=form, person=None,
                           page_title="Add a person")


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
def edit_person(user_id: int):
    person = _load(User, user_id)
    if request.method == "GET":
        form = UserForm(
            formdata=None,
            email=person.email,
            display_name=person.display_name,
            job_title=person.job_title,
            organisation=person.organisation.slug if person.organisation else "",
            home_area=person.home_area.slug if person.home_area else "",
            roles=[r for r in person.roles if r in PLAIN_ROLES],
            sponsor_areas=sorted(r.area.slug for r in person.role_assignments if r.role == "sponsor"),
            facilitator_areas=sorted(
                r.area.slug for r in person.role_assignments if r.role == "facilitator"
            ),
            secretary_forums=sorted(
                r.forum.slug for r in person.role_assignments if r.role == "secretary"
            ),
        )
    else:
        form = UserForm()
    _person_choices(form)

    def save():
        specs = _role_specs(form)
        if person.id == current_user.id and ("admin", None) not in specs:
            own = "You cannot remove your own Administrator role. Ask another administrator."
            raise Invalid(own, field_errors={"roles": own})
        services.update_user(
            person, email=form.email.data, display_name=form.display_name.data,
            job_title=form.job_title.data or "",
            organisation=form.organisation.data or None,
            home_area=form.home_area.data or None,
        )
        services.set_roles(person, specs)
        if form.password.data:
            services.set_password(person, form.password.data)

    if attempt(form, save, rollback=True).done:
        message = f"Changes to {person.display_name} have been saved."
        if form.password.data:
            message += " Their new password has signed them out everywhere."
        flash(message, "success")
        return redirect(url_for("admin.edit_person", user_id=person.id))
    form.password.data = ""
    return render_template("admin/person_form.html", form=form, person=person,
                           tier_label=TIER_LABELS[person.tier],
                           page_title=f"{person.display_name}")


@bp.route("/people/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate_person(user_id: int):
    person = _load(User, user_id)
    if person.id == current_user.id:
        flash("You cannot deactivate your own account. Ask another administrator.", "info")
        return redirect(url_for("admin.edit_person", user_id=person.id))
    if not person.active:
        return redirect(url_for("admin.edit_person", user_id=person.id))
    if request.method == "POST":
        # CSRFProtect has already checked the token of this confirmation form.
        services.deactivate(person)
        flash(f"{person.display_name} has been deactivated and signed out everywhere.",
              "success")
        return redirect(url_for("admin.people"))
    return render_template("admin/deactivate.html", person=person,
                           page_title=f"Deactivate {person.display_name}")


@bp.post("/people/<int:user_id>/reactivate")
def reactivate_person(user_id: int):
    person = _load(User, user_id)
    if not person.active:
        services.reactivate(person)
        flash(f"{person.display_name} can sign in again.", "success")
    return redirect(url_for("admin.edit_person", user_id=person.id))


# ---------------------------------------------------------------- organisations


def _org_form(formdata=True, **data) -> OrganisationForm:
    form = OrganisationForm(**data) if formdata else OrganisationForm(formdata=None, **data)
    form.kind.choices = [("", "Choose a kind")] + [(k, KIND_LABELS[k]) for k in ORGANISATION_KINDS]
    return form


@bp.get("/organisations")
def organisations():
    rows = queries.organisations_with_people()
    return render_template("admin/organisations.html", page_title="Organisations", rows=rows,
                           kind_labels=KIND_LABELS)


@bp.get("/organisations.csv")
def organisations_csv():
    rows = queries.organisations_with_people()
    return csv_response(
        "govflow-organisations",
        ["Short name", "Name", "Kind", "Active people"],
        [[o.slug, o.name, KIND_LABELS.get(o.kind, o.kind), n] for o, n in rows],
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
def edit_organisation(org_id: int | None = None):
    org = _load(Organisation, org_id) if org_id is not None else None
    if request.method == "GET" and org is not None:
        form = _org_form(formdata=False, slug=org.slug, name=org.name, kind=org.kind,
                         passwords_off=org.passwords_off)
    else:
        form = _org_form()

    def save():
        saved = services.save_organisation(org, slug=form.slug.data, name=form.name.data,
                                           kind=form.kind.data)
        sso.set_passwords_off(saved, form.passwords_off.data)
        return saved

    return _saved_or_form_again(form, save, org, "admin.organisations",
                                "admin/organisation_form.html", organisation=org,
                                page_title=org.name if org else "Add an organisation")


# ---------------------------------------------------------------- local areas


def _area_people_choices(form: AreaForm, area: LocalArea | None) -> None:
    """Active people, plus anyone deactivated who still holds the role, so saving the page
    never silently drops an assignment the admin did not see."""
    assigned = set()
    if area is not None:
        assigned = {r.user_id for r in area.role_assignments if r.role in AREA_ROLES}
    people = queries.people_to_choose(assigned)

    def label(u: User) -> str:
        bits = [u.job_title, u.organisation.name if u.organisation else ""]
        extra = ", ".join(b for b in bits if b)
        text = f"{u.display_name} ({extra})" if extra else u.display_name
        return text if u.active else f"{text} (deactivated)"

    choices = [(str(u.id), label(u)) for u in people]
    form.sponsors.choices = choices
    form.facilitators.choices = choices


@bp.get("/areas")
def areas():
    rows = queries.areas_with_people()
    return render_template("admin/areas.html", page_title="Local areas", areas=rows)


@bp.get("/areas.csv")
def areas_csv():
    rows = queries.areas_with_people()
    return csv_response(
        "govflow-local-areas",
        ["Short name", "Name", "Description", "Sponsors", "Facilitators"],
        [[a.slug, a.name, a.description, "; ".join(u.email for u in a.sponsors),
          "; ".join(u.email for u in a.facilitators)] for a in rows],
    )


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
def edit_area(area_id: int | None = None):
    area = _load(LocalArea, area_id) if area_id is not None else None
    if request.method == "GET" and area is not None:
        form = AreaForm(
            formdata=None, slug=area.slug, name=area.name, description=area.description,
            sponsors=[str(r.user_id) for r in area.role_assignments if r.role == "sponsor"],
            facilitators=[str(r.user_id) for r in area.role_assignments
                          if r.role == "facilitator"],
        )
    else:
        form = AreaForm()
    _area_people_choices(form, area)

    def save():
        saved = services.save_area(area, slug=form.slug.data, name=form.name.data,
                                   description=form.description.data or "")
        services.set_area_people(saved, "sponsor", {int(i) for i in form.sponsors.data})
        services.set_area_people(saved, "facilitator", {int(i) for i in form.facilitators.data})
        return saved

    return _saved_or_form_again(form, save, area, "admin.areas", "admin/area_form.html",
                                area=area, page_title=area.name if area else "Add a local area")
