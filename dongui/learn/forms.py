"""Forms for the student's pages."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Form
from ..school.questions import MAX_QUESTION_LENGTH


class AskForm(Form):
    body = TextAreaField(
        _l("Your question"),
        validators=[
            DataRequired(_l("Write your question first.")),
            Length(max=MAX_QUESTION_LENGTH, message=_l("At most %(max)d characters.")),
        ],
        description=_l("Don't write your name or anything that shows who you are."),
    )
    submit = SubmitField(_l("Send anonymously"))
