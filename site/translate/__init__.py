"""The translator workflow: catalogs at run time, `flask translate`, and the status report.

- `loader`: the one place where compiled catalogs (`.mo`) are loaded, with fallbacks.
- `catalogs`: extract, init, update, check and compile the gettext catalogs.
- `pages`: which translated pages are missing or stale (`translation_of:`).
- `status`: the report shown by `flask translate status` and the admin dashboard.
- `cli`: the `flask translate` command group.
"""
