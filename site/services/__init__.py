"""The domain rules: workflows, trees, ranges, uniqueness, what a delete may take along.

Every write reaches the database through the session's flush, whether it comes from an
admin form, an API request or a CLI command, so the rules are checked there (each module
here adds its `before_flush` check) and hold on every face alike. A broken rule raises
`RuleBroken`; each face only translates it: a message next to the form field, a 422 (or
409) problem, a CLI sentence.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect


class RuleBroken(Exception):
    """A change a business rule refuses. `field` names the input it is about, if one."""

    def __init__(self, message: str, field: str | None = None, *, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status  # 422: the input is wrong; 409: the record's state forbids it


def changed(obj: Any, *names: str) -> bool:
    """Whether this flush writes `obj` anew or changes one of its attributes `names`: a rule
    about those values runs only then (older rows keep theirs until they are edited, and an
    edit of anything else costs no query)."""
    state = inspect(obj)
    if state.pending or state.transient:
        return True
    return any(state.attrs[name].history.has_changes() for name in names)


# The rule modules register their session listeners when imported.
from . import catalog  # noqa: E402, F401
from . import inquiries  # noqa: E402, F401
from . import news  # noqa: E402, F401
from . import staff  # noqa: E402, F401
