"""The form for proposing an idea. The service checks the text (length, personal data) and
the funding, so every problem comes back beside its field at once."""

from __future__ import annotations

from flask_wtf import FlaskForm

from govflow.form_fields import (
    button,
    dropdown,
    optional,
    required,
    select_all_that_apply,
    text_area,
    text_box,
)


class ProposeIdeaForm(FlaskForm):
    title = text_box(
        "Title", required("Enter a title"),
        description="A short name for the idea, for example 'Weekly conversation club at the "
        "community café'",
    )
    description = text_area(
        "What is the idea?", required("Say what the idea is"),
        description="What you want to do, where and how often. Describe the idea, not a "
        "family: no names, dates of birth, addresses or contact details.",
    )
    outcomes = select_all_that_apply("Which of the framework's outcomes does it serve?")
    why = text_area("Why: how will it help children and families?",
                    required("Say why: how the idea helps children and families"))
    area = dropdown("Area", description="Where the idea will happen", validate_choice=False)
    who_involved = text_area(
        "Who is involved (optional)", optional(),
        description="Services, groups or volunteers taking part, by role or organisation",
    )
    funding_asked = text_box(
        "Funding asked (optional)", optional(),
        description="In pounds, like 450, or pounds and pence, like 75.50. Leave blank if "
        "you need no money.",
    )
    support_needed = text_area("Support needed (optional)", optional(),
                               description="Permissions, rooms, time or help from another service")
    submit = button("Propose the idea")

    def answers(self) -> dict:
        """What was proposed, as ideas.propose_idea takes it: a blank optional text is ""."""
        return {"title": self.title.data, "description": self.description.data,
                "why": self.why.data, "outcomes": self.outcomes.data, "area": self.area.data,
                "who_involved": self.who_involved.data or "",
                "funding_asked": self.funding_asked.data,
                "support_needed": self.support_needed.data or ""}
