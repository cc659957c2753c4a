"""Background jobs: RQ on Redis when `REDIS_URL` is set, else a thread in this process.

Callers say `jobs.enqueue(send_inquiry_notification, inquiry.id)` after committing; the
job function runs later with an app context, and is retried with back-off when it raises
(mail servers fail). Without Redis (the embedded default) nothing needs a second service:
a thread per job runs them in this process, with the same retries; they are lost only if the
process stops first, which is the trade-off the README documents. With Redis, `flask worker`
runs them, and `flask worker` also schedules the periodic jobs (the inquiry purge).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask import current_app

log = logging.getLogger(__name__)
QUEUE = "atrium"


def _retry_intervals(app: Flask) -> list[float]:
    return [float(s) for s in app.config["JOBS_RETRY_INTERVALS"]]


def enqueue(func: Callable[..., Any], *args: Any) -> None:
    """Run `func(*args)` in the background; never raises to the caller."""
    app = current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if url:
        try:
            _queue(url).enqueue(func, *args, retry=_rq_retry(app))
            return
        except Exception:  # redis.RedisError and connection errors: degrade, don't fail
            _log_once(app, "Redis is unreachable: running jobs in this process")
    # A daemon thread: a job still waiting to retry never holds up the process's exit.
    thread = threading.Thread(
        target=_run_in_process, args=(app, func, args), name=f"job-{func.__name__}", daemon=True
    )
    app.extensions["atrium.jobs"].add(thread)
    thread.start()


def _run_in_process(app: Flask, func: Callable[..., Any], args: tuple) -> None:
    try:
        _attempt(app, func, args)
    finally:
        app.extensions["atrium.jobs"].discard(threading.current_thread())


def _attempt(app: Flask, func: Callable[..., Any], args: tuple) -> None:
    delays = [0.0, *_retry_intervals(app)]
    for attempt, delay in enumerate(delays, start=1):
        time.sleep(delay)
        with app.app_context():
            try:
                func(*args)
                return
            except Exception:
                log.warning(
                    "job %s failed (attempt %d of %d)",
                    func.__name__,
                    attempt,
                    len(delays),
                    exc_info=True,
                )
    log.error("job %s gave up after %d attempts", func.__name__, len(delays))


def wait(app: Flask, timeout: float = 30) -> None:
    """Block until the in-process jobs submitted so far are done (tests, shutdown)."""
    for thread in list(app.extensions["atrium.jobs"]):
        thread.join(timeout=timeout)


def schedule() -> list[tuple[str, Callable[[], Any]]]:
    """Periodic jobs as (cron expression, function), enqueued by `flask worker`.

    Without Redis there is no worker: run `flask inquiries purge` from cron or a systemd
    timer instead (the README says so).
    """
    from .admin.privacy import purge_expired

    return [("17 3 * * *", purge_expired)]  # nightly, off the hour


def work(url: str, burst: bool = False) -> None:
    """The `flask worker` loop: RQ's worker, plus a thread that enqueues periodic jobs."""
    import click
    from redis import Redis
    from redis import RedisError
    from rq import SimpleWorker
    from rq.cron import CronScheduler

    connection = Redis.from_url(url, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisError:
        raise click.ClickException(f"Cannot reach Redis at {url}: is it running?") from None
    if not burst:
        cron = CronScheduler(connection)
        for expression, func in schedule():
            cron.register(func, QUEUE, cron=expression)

        def tick() -> None:  # CronScheduler.start() wants the main thread for its signals
            while True:
                cron.enqueue_jobs()
                time.sleep(max(1.0, cron.calculate_sleep_interval()))

        threading.Thread(target=tick, name="cron", daemon=True).start()
    # SimpleWorker runs jobs in this process, inside the app context `flask` pushed.
    SimpleWorker([QUEUE], connection=connection).work(burst=burst, with_scheduler=True)


def _queue(url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(url, socket_connect_timeout=2))


def _rq_retry(app: Flask):
    from rq import Retry

    intervals = [int(s) for s in _retry_intervals(app)]
    return Retry(max=len(intervals), interval=intervals)


def _log_once(app: Flask, message: str) -> None:
    said = app.extensions.setdefault("atrium.jobs.said", set())
    if message not in said:
        said.add(message)
        log.warning(message)


def init_app(app: Flask) -> None:
    app.config.setdefault("JOBS_RETRY_INTERVALS", [30, 120, 600, 1800, 3600])
    app.extensions["atrium.jobs"] = set()  # the in-process jobs' threads still running
