"""The billing office's forms: send to the payer, post a remittance, work a denied line."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..billing.office_denials import ACTIONS
from ..billing.posting import FIELDS, LABELS

AMOUNT = Regexp(r"^-?\$?\s*[0-9,]*(\.[0-9]{1,2})?$", message="enter an amount such as 12.34 (or leave it blank for 0)")


class SendForm(FlaskForm):
    """Send a claim to the payer (nothing to fill in: the claim is the attempt)."""


def posting_form(groups, formdata=None) -> FlaskForm:
    """One field per amount of every line of every claim payment in the remittance, named
    ``<group>_<line>_<field>`` (e.g. c0_1_payment); blank means 0."""
    class PostingForm(FlaskForm):
        pass

    for key, payment, postings in groups:
        what = "Reversal" if payment.status == "22" else "Claim"
        for p in postings:
            for name in FIELDS:
                setattr(PostingForm, f"{key}_{p.line}_{name}", StringField(
                    f"{what} line {p.line} ({p.code}): {LABELS[name]}", [Optional(), AMOUNT]))
    return PostingForm(formdata=formdata) if formdata is not None else PostingForm()


def posting_answer(form, groups) -> dict:
    return {key: {p.line: {name: form[f"{key}_{p.line}_{name}"].data or "" for name in FIELDS} for p in postings}
            for key, _, postings in groups}


class DenialForm(FlaskForm):
    action = RadioField("What do you do with this denied line?", [DataRequired(message="choose what to do")],
                        choices=[SelectChoice(k, v) for k, v in ACTIONS.items()])
    reason = TextAreaField("Reason (for an appeal or a write-off: what the payer or the account notes will read)",
                           [Optional(), Length(max=2000)])
