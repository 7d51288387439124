from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from ..auth.forms import MIN_PASSWORD


class CreateUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)], render_kw={"autocomplete": "off"})
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)], render_kw={"autocomplete": "off"})
    role = SelectField("Role", validators=[DataRequired()])
    school_id = SelectField("School", coerce=int)
    password = PasswordField(
        "Initial password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200, message=f"Use at least {MIN_PASSWORD} characters.")],
        description="Give it to the person privately; they can change it after signing in.",
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Create account")


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for buttons that change state."""

    submit = SubmitField("Confirm")
