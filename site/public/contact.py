"""`/<lang>/contact`: the contact form, stored as an Inquiry, then a thank-you page.

CSRF is checked by the form itself (the view is exempt from the global check), so an
expired token shows the form again with what was typed and a message, status 400. A
filled honeypot gets the thank-you page but stores nothing. Messages sent are rate-limited
per address; over the limit the form comes back with what was typed (429).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from .. import i18n
from ..extensions import csrf
from ..extensions import db
from ..extensions import limiter
from ..models import Inquiry
from . import bp
from .forms import ContactForm

log = logging.getLogger(__name__)

#: Per client address; generous for people, tight for scripts.
CONTACT_LIMIT = "5 per minute;30 per day"


def _sent(response: Response) -> bool:
    """Only a message that was sent counts against the limit, not a form sent back."""
    return response.status_code == 303


def _too_many(limit: Any) -> Response:
    """Over the limit: the form again with what was typed (nothing is lost), status 429."""
    form = ContactForm()
    form.form_errors.append(
        _(
            "You have sent several messages in a short time. Please wait a minute, then "
            "send this one again."
        )
    )
    response = make_response(render_template("public/contact.html", form=form), 429)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/contact", methods=["GET", "POST"], endpoint="contact")
@csrf.exempt
@limiter.limit(CONTACT_LIMIT, methods=["POST"], deduct_when=_sent, on_breach=_too_many)
def contact():
    form = ContactForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            if form.website.data:
                log.info("contact form honeypot filled; nothing stored")
            else:
                db.session.add(
                    Inquiry(
                        name=form.name.data,  # stripped by the form
                        email=form.email.data.lower(),
                        message=form.message.data,
                        locale=i18n.current(),
                    )
                )
                db.session.commit()
            return redirect(url_for("public.contact_thanks"), code=303)
        status = 400 if "csrf_token" in form.errors else 422
        if "csrf_token" in form.errors:
            form.form_errors.append(
                _("The form expired. Please check your message and send it again.")
            )
    response = render_template("public/contact.html", form=form)
    return response, status, {"Cache-Control": "private, no-store"}


@bp.get("/contact/thanks", endpoint="contact_thanks")
def contact_thanks():
    return render_template("public/contact_thanks.html")
