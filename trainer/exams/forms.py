"""The instructor's blueprint form: built per question pool, one count field per section."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class BlueprintBase(FlaskForm):
    name = StringField("Name", [DataRequired(), Length(max=120)],
                       description="What learners see, e.g. \"Week 6 quiz: musculoskeletal and E/M\".")
    minutes = IntegerField("Time limit (minutes)", [DataRequired(), NumberRange(1, 600)], default=60)
    notice_minutes = IntegerField("Notice before time runs out (minutes)", [Optional(), NumberRange(0, 120)],
                                  default=10, description="0 for no notice.")
    pass_mark = IntegerField("Pass mark (%)", [DataRequired(), NumberRange(1, 100)], default=70)


def section_field(section_id: str) -> str:
    return "s_" + section_id.replace("-", "_")


def blueprint_form(base: dict, available: dict[str, list], **kwargs) -> BlueprintBase:
    """A form class with one count per section of the pool's blueprint, then an instance of it."""

    class Form(BlueprintBase):
        pass

    for s in base["sections"]:
        have = len(available.get(s["id"], []))
        setattr(Form, section_field(s["id"]), IntegerField(
            s["name"], [Optional(), NumberRange(0, have, message=f"the bank has {have} questions here")],
            default=0, description=f"{have} question{'' if have == 1 else 's'} in the bank"))
    return Form(**kwargs)
