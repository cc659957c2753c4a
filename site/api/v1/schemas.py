"""The shape of the API (marshmallow): what is sent out, what is accepted in.

Output schemas have no required properties: `fields=` may leave any of them out, and the
OpenAPI document (generated from these classes) must say so. Localized fields read the
language of the request from a marshmallow Context and record the locale actually served.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from typing import TypedDict

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates
from marshmallow.experimental.context import Context
from marshmallow.utils import missing

from ... import markdown
from ...models import InquiryStatus
from ...models import PostStatus
from ...services.catalog import MAX_PRICE
from ...services.catalog import MAX_STOCK
from ...services.slugs import SLUG
from .http import Deprecation

PREFIX = "/api/v1"
ID = validate.Range(min=1, max=2**31 - 1)


class DumpContext(TypedDict):
    lang: str  # the locale asked for
    source: str  # the locale of the rows' own text
    served: set[str]  # the locales actually used, for Content-Language


Ctx = Context[DumpContext]

#: Fields announced as deprecated (Deprecation/Sunset headers when a response has them).
DEPRECATED: dict[tuple[str, str], Deprecation] = {
    ("products", "category_slug"): Deprecation(
        since=date(2026, 11, 1), sunset=date(2027, 6, 30), note="use category.slug"
    ),
}


def localized(obj: Any, name: str) -> str:
    ctx = Ctx.get()
    if ctx["lang"] == ctx["source"]:  # the row's own text: no need to load translations
        ctx["served"].add(ctx["source"])
        return getattr(obj, name)
    value, used = obj.translated(name, ctx["lang"])
    ctx["served"].add(used or ctx["source"])
    return value


def _served(obj: Any, name: str) -> str:
    ctx = Ctx.get()
    if ctx["lang"] == ctx["source"]:
        return ctx["source"]
    return obj.translated(name, ctx["lang"])[1] or ctx["source"]


class _Computed:
    """A dump-only field whose value comes from a function of the object."""

    def __init__(self, func, *args: Any, **kwargs: Any) -> None:
        self._func = func
        super().__init__(*args, dump_only=True, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=missing):
        return self._func(obj)


class Money(fields.Decimal):
    """A decimal amount sent as a string (`"12.50"`), so no precision is lost in JSON.

    Output is quantized to cents; input is taken as sent (a validator refuses more than
    two decimal places rather than rounding silently)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return str(Decimal(value).quantize(Decimal("0.01")))


class Stripped(fields.String):
    """Text without its surrounding blanks, stripped before the validators see it (so
    `"   "` is empty, and the length is the stored one)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class ComputedString(_Computed, fields.String):
    pass


class ComputedList(_Computed, fields.List):
    pass


class ComputedNested(_Computed, fields.Nested):
    pass


class LinksSchema(Schema):
    self = fields.String(metadata={"description": "This item's URL."})


def _links(path: str):
    return ComputedNested(lambda obj: {"self": f"{PREFIX}/{path}/{obj.id}"}, LinksSchema)


def _locales(obj: Any) -> list[str]:
    ctx = Ctx.get()
    return sorted({ctx["source"], *(t.locale for t in obj.translations)})


class Stamped(Schema):
    version = fields.Integer(
        dump_only=True, metadata={"description": "Bumped by every change (optimistic locking)."}
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


# --- categories -----------------------------------------------------------------------


class CategoryRefSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = ComputedString(lambda c: localized(c, "name"))
    links = _links("categories")


class CategorySchema(Stamped):
    id = fields.Integer(dump_only=True)
    slug = fields.String()
    name = ComputedString(lambda c: localized(c, "name"), metadata={"description": "Localized."})
    parent_id = fields.Integer(allow_none=True)
    lang = ComputedString(
        lambda c: _served(c, "name"),
        metadata={"description": "The locale of the localized fields served."},
    )
    locales = ComputedList(_locales, fields.String(), metadata={"description": "Translations."})
    links = _links("categories")


class CategoryTranslationInput(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CategoryInput(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(
        required=True,
        validate=[validate.Length(max=120), validate.Regexp(SLUG, error=_l("Not a slug."))],
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    parent_id = fields.Integer(allow_none=True, load_default=None, strict=True, validate=ID)
    translations = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(CategoryTranslationInput),
        load_default=dict,
        metadata={"description": "Names in other locales, by BCP 47 tag."},
    )


# --- products -------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def _rendered_short(text: str) -> str:
    return markdown.render(text)


def rendered(text: str) -> str:
    """Sanitized HTML of Markdown text. A pure function of the text, so short texts (most
    descriptions) are cached per process; memory stays bounded (2048 x 5000 characters)."""
    return _rendered_short(text) if len(text) <= 5000 else markdown.render(text)


def _description_html(p: Any) -> str:
    return rendered(localized(p, "description"))


class ProductSchema(Stamped):
    id = fields.Integer(dump_only=True)
    sku = fields.String()
    slug = fields.String()
    name = ComputedString(lambda p: localized(p, "name"), metadata={"description": "Localized."})
    description = ComputedString(
        lambda p: localized(p, "description"), metadata={"description": "Markdown, localized."}
    )
    description_html = ComputedString(
        _description_html, metadata={"description": "The description rendered and sanitized."}
    )
    price = Money()
    currency = fields.String()
    stock = fields.Integer()
    published = fields.Boolean()
    category = fields.Nested(CategoryRefSchema, allow_none=True, dump_only=True)
    category_slug = ComputedString(
        lambda p: p.category.slug if p.category else None,
        allow_none=True,
        metadata={"deprecated": True, "description": "Deprecated: use category.slug."},
    )
    lang = ComputedString(
        lambda p: _served(p, "name"),
        metadata={"description": "The locale of the localized fields served."},
    )
    locales = ComputedList(_locales, fields.String(), metadata={"description": "Translations."})
    links = _links("products")


class ProductTranslationInput(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20_000))


class ProductInput(Schema):
    class Meta:
        unknown = RAISE

    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    slug = fields.String(
        required=True,
        validate=[validate.Length(max=120), validate.Regexp(SLUG, error=_l("Not a slug."))],
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20_000))
    price = Money(required=True, validate=validate.Range(min=0, max=MAX_PRICE))
    currency = fields.String(
        load_default="EUR",
        validate=validate.Regexp(r"^[A-Z]{3}$", error=_l("Three capital letters (ISO 4217).")),
    )
    stock = fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=MAX_STOCK)
    )
    published = fields.Boolean(load_default=False)
    category_id = fields.Integer(allow_none=True, load_default=None, strict=True, validate=ID)
    translations = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ProductTranslationInput),
        load_default=dict,
        metadata={"description": "Name and description in other locales, by BCP 47 tag."},
    )

    @validates("price")
    def _two_places(self, value: Decimal, data_key: str) -> None:
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError(str(_l("At most two decimal places.")))


# --- posts ----------------------------------------------------------------------------


class PostTranslationRef(Schema):
    lang = fields.String()
    id = fields.Integer()
    href = fields.String()


def _post_lang(p: Any) -> str:
    Ctx.get()["served"].add(p.locale)
    return p.locale


def _post_translations(p: Any) -> list[dict]:
    from .posts import translations

    return translations(p)


class PostSchema(Stamped):
    id = fields.Integer(dump_only=True)
    slug = fields.String()
    lang = ComputedString(_post_lang, metadata={"description": "The post's locale."})
    title = fields.String()
    body = fields.String(metadata={"description": "Markdown."})
    body_html = ComputedString(
        lambda p: rendered(p.body), metadata={"description": "The body rendered."}
    )
    status = fields.String(validate=validate.OneOf([s.value for s in PostStatus]))
    published_at = fields.DateTime(allow_none=True)
    translations = ComputedList(
        _post_translations,
        fields.Nested(PostTranslationRef),
        metadata={"description": "The same post in other locales."},
    )
    links = _links("posts")


def _sane_year(moment: Any) -> None:
    if not 1900 <= moment.year <= 9999:
        raise ValidationError(str(_l("The year must be between 1900 and 9999.")))


class PostInput(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(
        required=True,
        validate=[validate.Length(max=120), validate.Regexp(SLUG, error=_l("Not a slug."))],
    )
    lang = fields.String(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(load_default="", validate=validate.Length(max=100_000))
    status = fields.String(
        load_default=PostStatus.DRAFT.value,
        validate=validate.OneOf([s.value for s in PostStatus]),
    )
    published_at = fields.AwareDateTime(allow_none=True, load_default=None, validate=_sane_year)
    translation_of = fields.Integer(
        allow_none=True,
        load_default=None,
        strict=True,
        validate=ID,
        metadata={"description": "The id of a post this one translates (create only)."},
    )


# --- inquiries ------------------------------------------------------------------------


class InquirySchema(Stamped):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    email = fields.String()
    message = fields.String()
    lang = fields.String(attribute="locale")
    status = fields.String(validate=validate.OneOf([s.value for s in InquiryStatus]))
    handled_at = fields.DateTime(allow_none=True)
    links = _links("inquiries")


class InquiryCreateInput(Schema):
    class Meta:
        unknown = RAISE

    name = Stripped(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    message = Stripped(required=True, validate=validate.Length(min=1, max=5000))
    lang = fields.String(load_default=None, metadata={"description": "Defaults to the request's."})


class InquiryUpdateInput(Schema):
    class Meta:
        unknown = RAISE

    status = fields.String(required=True, validate=validate.OneOf([s.value for s in InquiryStatus]))


# --- locales and pages ----------------------------------------------------------------


class LocaleSchema(Schema):
    tag = fields.String(metadata={"description": "BCP 47 tag."})
    name = fields.String(metadata={"description": "Its name in the language served."})
    native_name = fields.String()
    rtl = fields.Boolean()
    default = fields.Boolean()
    links = fields.Nested(LinksSchema)


class PageSchema(Schema):
    path = fields.String()
    lang = fields.String(metadata={"description": "The locale served (fallback: the source)."})
    title = fields.String()
    meta = fields.Dict(metadata={"description": "The page's YAML header."})
    html = fields.String(metadata={"description": "The rendered page."})
    locales = fields.List(fields.String(), metadata={"description": "Locales it exists in."})
    updated_at = fields.DateTime(allow_none=True)
    links = fields.Nested(LinksSchema)


# --- envelopes ------------------------------------------------------------------------


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(
        fields.Dict(),
        metadata={"description": "Each field or parameter at fault, with its message."},
    )


class ListLinksSchema(Schema):
    self = fields.String()
    first = fields.String()
    prev = fields.String()
    next = fields.String()


class ListMetaSchema(Schema):
    page = fields.Integer()
    limit = fields.Integer()
    count = fields.Integer(metadata={"description": "Items on this page."})


def field_paths(schema: type[Schema]) -> tuple[str, ...]:
    """Every name `fields=` accepts: top-level fields, and dotted ones for nested objects."""
    paths = []
    for name, fld in schema._declared_fields.items():
        paths.append(name)
        if isinstance(fld, fields.Nested) and isinstance(fld.nested, type):
            paths += [f"{name}.{sub}" for sub in field_paths(fld.nested)]
    return tuple(paths)


def flatten_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow's nested messages → [{"field": "translations.de.name", "message": …}]."""
    found = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            # marshmallow nests a dict value's errors under "value", a schema's own under
            # "_schema": neither is a field the client sent.
            name = (
                prefix
                if key in ("value", "_schema") and prefix
                else (f"{prefix}.{key}" if prefix else str(key))
            )
            found += flatten_errors(value, name)
    elif isinstance(messages, list) and not any(isinstance(m, dict | list) for m in messages):
        found += [
            {"field": prefix or "_body", "message": str(_translate(str(m)))} for m in messages
        ]
    elif isinstance(messages, list):
        for value in messages:
            found += flatten_errors(value, prefix)
    else:
        found.append({"field": prefix or "_body", "message": str(_translate(str(messages)))})
    return found


#: marshmallow's own messages, in the caller's language.
_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("Unknown field."),
    "Field may not be null.": _l("This field may not be null."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid email address.": _l("Not a valid email address."),
    "Not a valid datetime.": _l("Not a valid date-time."),
    "Not a valid mapping type.": _l("Not an object."),
    "Invalid input type.": _l("Invalid input type."),
    "Not a valid date-time.": _l("Not a valid date-time."),
}


def _translate(message: str) -> Any:
    if message in _MESSAGES:
        return _MESSAGES[message]
    if message.startswith("Must be one of:"):
        return _l("Must be one of: %(choices)s", choices=message.split(":", 1)[1].strip(" ."))
    if message.startswith(("Length must be", "Shorter than", "Longer than")):
        return _l("Wrong length: %(rule)s", rule=message)
    if message.startswith(("Must be greater", "Must be less")):
        return _l("Out of range: %(rule)s", rule=message)
    return message
