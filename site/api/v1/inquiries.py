"""/api/v1/inquiries: contact messages. Anyone may send one (rate-limited per address);
reading needs `inquiries:read`, changing the status or deleting `inquiries:write`."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import or_

from ... import i18n
from ...extensions import db
from ...models import Inquiry
from ...models import InquiryStatus
from . import bp
from .query import Filter
from .query import parse_datetime
from .query import parse_text
from .resource import Resource
from .resource import filter_on
from .resource import register
from .schemas import InquiryCreateInput
from .schemas import InquirySchema
from .schemas import InquiryUpdateInput
from .writes import invalid


def _create(data: dict) -> Inquiry:
    lang = i18n.current()
    if data.get("lang") is not None:
        lang = i18n.canonical_tag(data["lang"])
        if lang not in i18n.supported():
            raise invalid(
                [
                    {
                        "field": "lang",
                        "message": _("Use one of %(tags)s.", tags=", ".join(i18n.supported())),
                    }
                ]
            )
    inquiry = Inquiry(
        name=data["name"],  # stripped by the schema
        email=data["email"].strip().lower(),
        message=data["message"],
        locale=lang,
    )
    db.session.add(inquiry)
    return inquiry


def _apply(inquiry: Inquiry, data: dict, creating: bool) -> None:
    """The workflow (which status may follow which, handled_at) is services.inquiries'."""
    if inquiry.status != data["status"]:
        inquiry.status = data["status"]


def _search(text: str) -> Any:
    needle = text.lower()
    return or_(
        func.lower(Inquiry.name).contains(needle, autoescape=True),
        func.lower(Inquiry.email).contains(needle, autoescape=True),
        func.lower(Inquiry.message).contains(needle, autoescape=True),
    )


INQUIRIES = Resource(
    name="inquiries",
    singular="inquiry",
    model=Inquiry,
    schema=InquirySchema,
    sort_columns={
        "id": Inquiry.id,
        "created_at": Inquiry.created_at,
        "status": Inquiry.status,
        "updated_at": Inquiry.updated_at,
    },
    filters={
        "status": Filter(
            "status",
            filter_on(Inquiry.status),
            parse_text,
            choices=tuple(s.value for s in InquiryStatus),
        ),
        "email": Filter("email", filter_on(Inquiry.email), lambda v: parse_text(v).lower()),
        "created_at": Filter(
            "created_at",
            filter_on(Inquiry.created_at),
            parse_datetime,
            ("lt", "lte", "gt", "gte"),
            "date-time",
        ),
    },
    default_sort=("-created_at",),
    search=_search,
    read_scope="inquiries:read",
    write_scope="inquiries:write",
    input_schema=InquiryCreateInput,
    update_schema=InquiryUpdateInput,
    to_input=lambda inquiry: {"status": inquiry.status},
    apply=_apply,
    create=_create,
    create_public=True,
    create_limit=lambda: current_app.config["API_INQUIRY_LIMIT"],
)

register(bp, INQUIRIES)
