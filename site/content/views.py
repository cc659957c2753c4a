"""Page views (the foundation's placeholder home; the site issue builds the rest)."""

from flask import redirect
from flask import render_template
from flask import url_for

from .. import i18n
from . import bp
from . import site


@bp.get("/")
def root():
    response = redirect(url_for("content_site.home", lang=i18n.negotiate()))
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@site.get("/")
def home():
    return render_template("content/home.html")
