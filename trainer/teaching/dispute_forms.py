"""The forms of disputes: a learner flags a key; an instructor answers or accepts."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .disputes import MAX_COMMENT


class FlagForm(FlaskForm):
    target = SelectField("What do you dispute?", validators=[DataRequired()])
    comment = TextAreaField("Why is the key wrong?", validators=[DataRequired(), Length(max=MAX_COMMENT)],
                            description="Name the code you expected and the guideline or note that supports it.",
                            render_kw={"rows": 4})


class AnswerForm(FlaskForm):
    reply = TextAreaField("Your answer to the learner", validators=[DataRequired(), Length(max=MAX_COMMENT)],
                          description="Why the key stands; the learner reads it on their result page.",
                          render_kw={"rows": 4})


class AcceptForm(FlaskForm):
    note = TextAreaField("Note to the learner (optional)", validators=[Optional(), Length(max=MAX_COMMENT)],
                         render_kw={"rows": 3})
