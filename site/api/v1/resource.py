"""Database-backed resources: what a resource module declares, and its endpoints.

A resource module declares a `Resource` (model, schema, filters, sort keys, who may write,
how its input maps onto rows) and calls `register`, which adds the list, item and write
endpoints (reads.py, writes.py). The OpenAPI document is generated from the same
declarations, so the documentation cannot drift from what is served.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from typing import Any

from flask import Blueprint
from marshmallow import Schema

from ...extensions import limiter
from .query import QuerySpec
from .query import compare
from .reads import get_item
from .reads import list_items
from .schemas import field_paths
from .writes import create_item
from .writes import delete_item
from .writes import update_item


@dataclass
class Resource:
    name: str  # URL segment: "products"
    singular: str  # endpoint names: get_product
    model: Any
    schema: type[Schema]
    sort_columns: dict[str, Any]
    filters: dict = field(default_factory=dict)
    default_sort: tuple[str, ...] = ("id",)
    search: Callable[[str], Any] | None = None
    #: extra columns that change the representation (translations, embedded rows)
    stamp: Callable[[], list[Any]] = lambda: []
    #: loader options for the fields asked for (None: all), so sparse lists load less
    load_options: Callable[[tuple[str, ...] | None], Sequence[Any]] = lambda only: ()
    #: a WHERE clause for what the caller may see (None: everything)
    visible: Callable[[], Any] = lambda: None
    list_where: Callable[[], Any] | None = None  # lists only (posts: one per language)
    read_scope: str | None = None
    write_scope: str | None = None
    lookup_slug: Callable[[str], Any] | None = None  # slug → WHERE clause
    #: writes: input schema(s), row → input document, apply an input document to a row
    input_schema: type[Schema] | None = None
    update_schema: type[Schema] | None = None
    to_input: Callable[[Any], dict] | None = None
    apply: Callable[[Any, dict, bool], None] | None = None  # (row, data, creating)
    create: Callable[[dict], Any] | None = None  # for resources whose create is special
    create_public: bool = False
    create_limit: Callable[[], str] | None = None
    methods: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")
    #: A model attribute named otherwise in the input (a domain rule's field → the API's)
    input_names: dict[str, str] = field(default_factory=dict)
    _stamp_columns: list[Any] | None = field(default=None, repr=False)

    @property
    def tag(self) -> str:
        """The start of its items' ETags: the resource's name, so that a post's ETag can
        never be taken for a product's as `If-Match`."""
        return f"{self.singular}-"

    @cached_property
    def spec(self) -> QuerySpec:
        return QuerySpec(
            fields=field_paths(self.schema),
            filters=self.filters,
            sort_keys=tuple(self.sort_columns),
            default_sort=self.default_sort,
            searchable=self.search is not None,
        )


def register(bp: Blueprint, resource: Resource) -> None:
    """Add the resource's endpoints (list_products, get_product, create_product…)."""
    name, one = resource.name, resource.singular

    def list_view():
        return list_items(resource)

    def get_view(ref: str):
        return get_item(resource, ref)

    _name(list_view, f"list_{name}")
    _name(get_view, f"get_{one}")
    bp.add_url_rule(f"/{name}", f"list_{name}", list_view, methods=["GET"])
    bp.add_url_rule(f"/{name}/<ref>", f"get_{one}", get_view, methods=["GET"])
    if "POST" in resource.methods:

        def create_view():
            return create_item(resource)

        _name(create_view, f"create_{one}")
        if resource.create_limit:
            create_view = limiter.limit(resource.create_limit, override_defaults=False)(create_view)
        bp.add_url_rule(f"/{name}", f"create_{one}", create_view, methods=["POST"])
    if "PUT" in resource.methods:

        def put_view(ref: str):
            return update_item(resource, ref, patch=False)

        _name(put_view, f"replace_{one}")
        bp.add_url_rule(f"/{name}/<ref>", f"replace_{one}", put_view, methods=["PUT"])
    if "PATCH" in resource.methods:

        def patch_view(ref: str):
            return update_item(resource, ref, patch=True)

        _name(patch_view, f"update_{one}")
        bp.add_url_rule(f"/{name}/<ref>", f"update_{one}", patch_view, methods=["PATCH"])
    if "DELETE" in resource.methods:

        def delete_view(ref: str):
            return delete_item(resource, ref)

        _name(delete_view, f"delete_{one}")
        bp.add_url_rule(f"/{name}/<ref>", f"delete_{one}", delete_view, methods=["DELETE"])
    RESOURCES.append(resource)


def _name(view: Callable, name: str) -> None:
    """Views made in a loop get their endpoint's name (Flask-Limiter keys limits by it)."""
    view.__name__ = view.__qualname__ = name


#: Every registered resource, for the OpenAPI document.
RESOURCES: list[Resource] = []


def filter_on(column: Any) -> Callable[[str, Any], Any]:
    return lambda operator, value: compare(column, operator, value)
