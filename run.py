"""Serve Atrium: `python run.py [--host H] [--port P]`; also `flask --app run`, `gunicorn run:app`.

`python run.py` prepares the database first (migrate, seed, first admin); under gunicorn
that is a deploy step (`flask --app run db upgrade`), never done by each worker.
"""

import argparse
import os
import socket
import sys

from atrium import create_app
from atrium.config import ConfigError

try:
    app = create_app()
except ConfigError as e:
    sys.exit(f"atrium: {e}")


def port_is_free(host: str, port: int) -> bool:
    """Whether the server can listen there. SO_REUSEADDR, as Werkzeug's server sets it: a
    port left in TIME_WAIT by the previous run (a restart) is free, a listening one is not."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main() -> None:
    from atrium.bootstrap import FIRST_ADMIN
    from atrium.bootstrap import DatabaseUnavailable
    from atrium.bootstrap import prepare

    parser = argparse.ArgumentParser(description="Serve Atrium's site, admin and API.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--debug", action="store_true", help="Reload on changes; debugger.")
    args = parser.parse_args()
    if not port_is_free(args.host, args.port):  # before the first admin's password is made
        sys.exit(
            f"atrium: port {args.port} on {args.host} is already in use; "
            "choose another with --port (or PORT)."
        )
    try:
        password = prepare(app)
    except DatabaseUnavailable as e:
        sys.exit(f"atrium: {e}")
    url = f"http://{args.host}:{args.port}"
    if app.config.get("PUBLIC_URL_DERIVED"):  # links in mail lead to this server
        shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        app.config["PUBLIC_URL"] = f"http://{shown}:{args.port}"
    print(f"\n  Atrium is running at {url}/")
    print(f"  Back-office: {url}/admin   API: {url}/api/v1/")
    if password:
        print(f"  First login: {FIRST_ADMIN} / {password}   (shown once; change it after login)")
    print()
    app.run(host=args.host, port=args.port, debug=args.debug, use_reloader=args.debug)


if __name__ == "__main__":
    main()
