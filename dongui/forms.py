"""The base of every form: Flask-WTF's FlaskForm, with WTForms' own messages ("This field is
required.") translated from a catalogue loaded once per language. Flask-WTF loads and parses that
catalogue again for every request that makes a form (a sixth of the sign-in page's time)."""

import functools

from babel import support
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from .i18n import current_locale


@functools.cache
def wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return wtforms_translations(current_locale())
