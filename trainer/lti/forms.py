"""Forms of the LMS pages (Flask-WTF, CSRF on)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class PlatformForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)],
                       description="How you call this LMS here, for example “Canvas (spring courses)”.")
    issuer = StringField("Issuer (platform ID)", validators=[DataRequired(), Length(max=255)],
                         description="Given by the LMS, for example https://canvas.instructure.com.")
    client_id = StringField("Client ID", validators=[DataRequired(), Length(max=255)],
                            description="Given by the LMS when the tool is added to it.")
    deployment_ids = TextAreaField("Deployment IDs", validators=[DataRequired(), Length(max=4000)],
                                   description="One per line; the LMS shows it once the tool is deployed.")
    auth_login_url = StringField("Authentication request URL (OIDC)", validators=[DataRequired(), Length(max=500)])
    auth_token_url = StringField("Access token URL", validators=[DataRequired(), Length(max=500)],
                                 description="Used to send scores back (Assignment and Grade Services).")
    key_set_url = StringField("Public keyset URL (JWKS)", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Save")


class DeepLinkForm(FlaskForm):
    launch = HiddenField()
    item = SelectField("Exercise or assignment", validators=[DataRequired()])
    graded = BooleanField("Send the learner's score to the LMS gradebook",
                          description="Assignments always send their gradebook score.")
    submit = SubmitField("Add to the course")
