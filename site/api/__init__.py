"""The REST API: one blueprint per version under /api/."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
