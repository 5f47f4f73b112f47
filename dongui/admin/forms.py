"""Forms for the school admin's pages."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError


class TeacherForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Enter the teacher's name.")), Length(max=80)])
    username = StringField(_l("Username"), validators=[
        DataRequired(message=_l("Choose a username.")), Length(min=2, max=64)],
        description=_l("a–z, 0–9, dot, dash or underscore."))
    submit = SubmitField(_l("Create teacher"))


class SettingsForm(FlaskForm):
    name = StringField(_l("School name"), validators=[
        DataRequired(message=_l("Enter the school's name.")), Length(max=120)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                           description=_l("For example Asia/Seoul. Due dates end at midnight here."))
    default_locale = SelectField(_l("Default language"),
                                 choices=[SelectChoice("ko", "한국어"), SelectChoice("en", "English")])
    allow_self_signup = BooleanField(_l("Students may create their own account with a class join code"))
    help_contacts = TextAreaField(
        _l("Your school's help contacts"),
        description=_l("One a line: name | phone | note. Shown first on every help panel, for example: 상담 선생님 (Wee 클래스) | 02-000-0000 | 본관 2층"),
        render_kw={"rows": 5})
    submit = SubmitField(_l("Save"))

    def validate_timezone(self, field):
        try:
            ZoneInfo(field.data.strip())
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(_l("Unknown time zone. Use a name such as Asia/Seoul.")) from exc
