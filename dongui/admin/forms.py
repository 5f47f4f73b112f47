"""Forms for the school admin's pages."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import Form
from ..models import normalize_username
from ..school.contacts import contact_kind


class TeacherForm(Form):
    display_name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter the teacher's name.")), Length(max=80)]
    )
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Choose a username.")), Length(min=2, max=64)],
        description=_l("a–z, 0–9, dot, dash or underscore."),
    )
    submit = SubmitField(_l("Create teacher"))


class SettingsForm(Form):
    name = StringField(
        _l("School name"), validators=[DataRequired(message=_l("Enter the school's name.")), Length(max=120)]
    )
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("For example Asia/Seoul. Due dates end at midnight here."),
    )
    default_locale = SelectField(
        _l("Default language"), choices=[SelectChoice("ko", "한국어"), SelectChoice("en", "English")]
    )
    allow_self_signup = BooleanField(_l("Students may create their own account with a class join code"))
    question_release_hour = SelectField(
        _l("Anonymous questions reach teachers at"),
        coerce=int,
        choices=[SelectChoice(hour, f"{hour:02d}:00") for hour in range(24)],
        description=_l(
            "Once a day, all of the day's questions together, in a mixed order, so the "
            "time a question came cannot point at who asked. A change applies after "
            "the next release."
        ),
    )
    # Choices name the school's slug in their examples: the view fills them in.
    username_pattern = SelectField(
        _l("Usernames for imported students"),
        description=_l(
            "Used when a class list has no usernames. The student number (학번) needs the grade and class: 학년 and 반 columns, or a class named like 2학년 5반. Usernames already given do not change."
        ),
    )
    help_contacts = TextAreaField(
        _l("Your school's help contacts"),
        description=_l(
            "One a line: name | phone | note | English name | English note (the English words are optional). Shown first on every help panel, for example: 상담 선생님 (Wee 클래스) | 02-000-0000 | 본관 2층 | School counsellor (Wee class) | Main building, 2nd floor"
        ),
        render_kw={"rows": 5},
    )
    privacy_officer_name = StringField(
        _l("Privacy officer (개인정보 보호책임자): name"),
        validators=[Optional(), Length(max=80, message=_l("At most %(max)d characters."))],
        description=_l("Shown on the privacy page, so students and families know whom to ask."),
        render_kw={"autocomplete": "off"},
    )
    privacy_officer_contact = StringField(
        _l("Privacy officer: phone or e-mail"),
        validators=[Optional(), Length(max=120, message=_l("At most %(max)d characters."))],
        description=_l("One phone number or e-mail address, for example 02-123-4567 or privacy@school.kr."),
        render_kw={"autocomplete": "off"},
    )
    check_min_answers = IntegerField(
        _l("Before-and-after check: answers needed before results show"),
        validators=[
            Optional(),
            NumberRange(min=5, max=1000, message=_l("Choose a number from %(min)s to %(max)s.")),
        ],
        description=_l(
            "A class's results show only when at least this many students answered both before and "
            "after the lessons (at least 5; 10 unless changed). Fewer could point at a student."
        ),
        render_kw={"min": 5, "max": 1000, "inputmode": "numeric"},
    )
    participation_completes = BooleanField(
        _l(
            "Taking part in a module taught in class completes it (otherwise students still pass its "
            "quiz, online or on paper)"
        )
    )
    letter_why_ko = TextAreaField(
        _l("Letter home: why the school teaches this (Korean)"),
        validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))],
        description=_l(
            "A short paragraph for families in your school's own words. Leave it empty "
            "to use Dongui's standard text. You can use **bold** and lists."
        ),
        render_kw={"rows": 4, "lang": "ko"},
    )
    letter_why_en = TextAreaField(
        _l("Letter home: why the school teaches this (English)"),
        validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 4, "lang": "en"},
    )
    submit = SubmitField(_l("Save"))

    # Both or neither: each check sits on the field that is filled in (Optional() stops the
    # checks of an empty field).
    def validate_privacy_officer_name(self, field):
        if field.data.strip() and not (self.privacy_officer_contact.data or "").strip():
            raise ValidationError(_l("Give a phone number or e-mail address for the privacy officer."))

    def validate_privacy_officer_contact(self, field):
        if not (self.privacy_officer_name.data or "").strip():
            raise ValidationError(_l("Give the privacy officer's name too, or clear the contact."))
        if contact_kind(field.data) is None:
            raise ValidationError(
                _l("Enter one phone number (for example 02-123-4567) or one e-mail address.")
            )

    def validate_timezone(self, field):
        try:
            ZoneInfo(field.data.strip())
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(_l("Unknown time zone. Use a name such as Asia/Seoul.")) from exc


class StudentSearchForm(Form):
    """The student list's search box (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or username"), validators=[Optional(), Length(max=80)])
    never = BooleanField(_l("Only those who have never signed in"))


class ExportStudentForm(Form):
    submit = SubmitField(_l("Download the data (JSON)"))


class DeleteStudentForm(Form):
    """Deleting asks for the student's username, typed, so a slip of the finger cannot erase anyone."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Type the student's username to confirm."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Delete the student and their data"))

    def __init__(self, expected_username: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_username = expected_username

    def validate_username(self, field):
        if normalize_username(field.data) != self.expected_username:
            raise ValidationError(_l("That is not this student's username. Nothing was deleted."))


class AuditFilterForm(Form):
    """The activity log's filters (a GET form). Menus list only what the log holds."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validate_choice=False)
    actor = SelectField(_l("Done by"), validate_choice=False)
    target_type = SelectField(_l("Concerning"), validate_choice=False)
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
