"""gunicorn settings: `gunicorn run:app` reads this file from the working directory.

Workers never migrate: run `flask --app run db upgrade` once per deploy, then start gunicorn.
Each worker builds its own app after the fork (no preload), so no database connection or
thread pool is shared between processes. Override any value on the command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
preload_app = False
accesslog = None  # the app logs one line per request, with its request id
errorlog = "-"
# The reverse proxy on this host may set X-Forwarded-*; the app trusts them only as far
# as ATRIUM_PROXY_FIX says (see site/security.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
