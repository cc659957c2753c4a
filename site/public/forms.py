"""The contact form: labels and messages are lazy strings, translated per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import Length


def _strip(value: str | None) -> str | None:
    """Surrounding blanks go before the validators look: "   " is empty, lengths are stored."""
    return value.strip() if isinstance(value, str) else value


class ContactForm(FlaskForm):
    class Meta:
        # The CSRF failure is shown on the form, with what was typed kept.
        csrf_field_name = "csrf_token"

    name = StringField(
        _l("Your name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter your name.")),
            Length(max=200, message=_l("Please use at most %(max)d characters.")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Email(message=_l("Please enter a valid email address.")),
            Length(max=254, message=_l("Please use at most %(max)d characters.")),
        ],
    )
    message = TextAreaField(
        _l("Message"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please write a message.")),
            Length(
                min=10,
                max=5000,
                message=_l("Please write between %(min)d and %(max)d characters."),
            ),
        ],
    )
    # The honeypot: hidden from people (CSS, aria-hidden), filled in by naive bots.
    website = StringField(_l("Leave this field empty"))
