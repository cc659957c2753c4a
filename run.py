"""Serve Atrium: `python run.py [--host H] [--port P]`; also `flask --app run`, `gunicorn run:app`.

`python run.py` prepares the database first (migrate, seed, first admin); under gunicorn
that is a deploy step (`flask --app run db upgrade`), never done by each worker.
"""

import argparse
import os
import sys

from atrium import create_app
from atrium.config import ConfigError

try:
    app = create_app()
except ConfigError as e:
    sys.exit(f"atrium: {e}")


def main() -> None:
    from atrium.bootstrap import FIRST_ADMIN
    from atrium.bootstrap import DatabaseUnavailable
    from atrium.bootstrap import prepare

    parser = argparse.ArgumentParser(description="Serve Atrium's site, admin and API.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--debug", action="store_true", help="Reload on changes; debugger.")
    args = parser.parse_args()
    try:
        password = prepare(app)
    except DatabaseUnavailable as e:
        sys.exit(f"atrium: {e}")
    url = f"http://{args.host}:{args.port}"
    print(f"\n  Atrium is running at {url}/")
    print(f"  Back-office: {url}/admin   API: {url}/api/v1/")
    if password:
        print(f"  First login: {FIRST_ADMIN} / {password}   (shown once; change it after login)")
    print()
    app.run(host=args.host, port=args.port, debug=args.debug, use_reloader=args.debug)


if __name__ == "__main__":
    main()
