"""public: filled in by its own issue."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
