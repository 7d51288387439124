from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class DeleteLearnerForm(FlaskForm):
    email = StringField("Type the learner's email address to confirm", validators=[DataRequired(), Length(max=254)],
                        render_kw={"autocomplete": "off", "spellcheck": "false"})
