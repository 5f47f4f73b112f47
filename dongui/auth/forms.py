"""Forms for signing in and changing a password."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..forms import Form
from ..models import Role
from ..school.passwords import MAX_PASSWORD_LENGTH, password_hint, password_problem


class LoginForm(Form):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Enter a new password.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(message=_l("Enter the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.new_password.description = password_hint(user.role)
        if user.must_change_password:
            # Just signed in with the one-time password: asking for it again adds nothing.
            del self.current_password

    def validate_new_password(self, field):
        problem = password_problem(field.data, self.user.role, self.user.username)
        if problem is not None:
            raise ValidationError(problem)


class JoinForm(Form):
    join_code = StringField(
        _l("Join code"),
        validators=[DataRequired(message=_l("Enter the join code your teacher gave you.")), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Join the class"))


class SignupForm(Form):
    join_code = StringField(
        _l("Join code"),
        validators=[DataRequired(message=_l("Enter the join code your teacher gave you.")), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Enter your name as your teacher knows it.")), Length(max=80)],
        description=_l("Your teacher sees this name. Other students do not."),
    )
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Choose a username.")), Length(min=2, max=64)],
        description=_l("a–z, 0–9, dot, dash or underscore. You can keep the suggestion."),
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Choose a password."))],
        description=password_hint(Role.STUDENT),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(message=_l("Enter the password again.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create my account"))

    def validate_password(self, field):
        # Sign-up creates student accounts only.
        problem = password_problem(field.data, Role.STUDENT, self.username.data or "")
        if problem is not None:
            raise ValidationError(problem)
