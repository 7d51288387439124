"""The instructor's assignment form and the grade override form."""
from __future__ import annotations

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField, DecimalField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .assignments import KEY_REVEAL, KINDS, LATE_POLICIES, MAX_ATTEMPTS


def options(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


ZONES = sorted(available_timezones() - {"localtime", "Factory"})
ATTEMPTS = [(str(n), str(n)) for n in range(1, MAX_ATTEMPTS + 1)] + [("unlimited", "Unlimited")]


class AssignmentForm(FlaskForm):
    title = StringField("Title", [DataRequired(), Length(max=200)],
                        description="What learners see, e.g. \"Week 3: musculoskeletal surgery\".")
    instructions = TextAreaField("Instructions", [Optional(), Length(max=5000)],
                                 description="Optional: shown to learners on the assignment page.")
    kind = RadioField("What learners do", choices=options(KINDS.items()), default="exercises")
    exercise_ids = SelectMultipleField("Exercises", choices=[], validate_choice=False)
    pool = SelectField("Or draw from", choices=[], validate_choice=False,
                       description="Each learner gets their own draw the first time they open the assignment, "
                                   "and keeps it.")
    count = IntegerField("Number of exercises to draw", [Optional()])
    blueprint_id = SelectField("Exam", choices=[], validate_choice=False)
    open_at = DateTimeLocalField("Opens", [InputRequired(message="enter the date and time it opens")],
                                 format="%Y-%m-%dT%H:%M")
    due_at = DateTimeLocalField("Due", [InputRequired(message="enter the date and time it is due")],
                                format="%Y-%m-%dT%H:%M")
    time_zone = SelectField("Time zone of these dates", choices=options((z, z) for z in ZONES), default="UTC",
                            description="Learners see the dates in their own local time.")
    attempts_allowed = SelectField("Attempts allowed per item", choices=options(ATTEMPTS), default="1")
    late_policy = RadioField("Late work", choices=options(LATE_POLICIES.items()), default="refuse")
    late_penalty_percent = IntegerField("Penalty per day late (percentage points)", [Optional()], default=10)
    late_penalty_cap = IntegerField("Largest penalty (percentage points)", [Optional()], default=50)
    key_reveal = RadioField("Show the key and rationales", choices=options(KEY_REVEAL.items()), default="submission")


class OverrideForm(FlaskForm):
    score = DecimalField("New score (%)", [InputRequired(message="enter a score"),
                                           NumberRange(0, 100, message="a percentage from 0 to 100")], places=1)
    comment = TextAreaField("Why", [DataRequired(message="say why the score changes"), Length(max=2000)],
                            description="Kept in the log with your name; the learner's work is not changed.")
