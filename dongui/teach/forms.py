"""Forms for the teacher's pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from ..forms import Form


class ClassroomForm(Form):
    name = StringField(
        _l("Class name"),
        validators=[DataRequired(message=_l("Enter the class name.")), Length(max=80)],
        description=_l("As your school writes it, for example 2학년 3반."),
    )
    year = IntegerField(
        _l("School year"),
        validators=[
            DataRequired(message=_l("Enter the school year, for example 2026.")),
            NumberRange(min=2000, max=2100, message=_l("Enter a year such as 2026.")),
        ],
    )
    submit = SubmitField(_l("Save"))


class RosterUploadForm(Form):
    file = FileField(
        _l("Class list file (.xlsx or .csv)"),
        validators=[FileRequired(message=_l("Choose a file to import."))],
        description=_l(
            "A row of headings: 이름/성명/name (required), 번호/number, 아이디/username, 비밀번호/password, 학년, 반, 학번. Title rows above it are skipped. A OneRoster users.csv works too."
        ),
        render_kw={"accept": ".xlsx,.csv,text/csv"},
    )
    submit = SubmitField(_l("Preview"))


class CoTeacherForm(Form):
    username = StringField(
        _l("Co-teacher's username"),
        validators=[DataRequired(message=_l("Enter a username.")), Length(max=64)],
    )
    submit = SubmitField(_l("Add co-teacher"))


class AnswerForm(Form):
    answer = TextAreaField(
        _l("Your answer to the class"),
        validators=[
            DataRequired(_l("Write an answer first.")),
            Length(max=5000, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "Every student in the class will see the question and this answer. "
            "You can use **bold**, *italics* and lists."
        ),
    )
    submit = SubmitField(_l("Publish answer"))
