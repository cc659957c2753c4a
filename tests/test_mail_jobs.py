"""Background jobs and mail: a new inquiry reaches staff by mail, through failures too.

Committing an inquiry queues the mail (site/notifications.py); nothing else is called.
"""

import factories
import pytest
from smtp import SMTPServer
from sqlalchemy import select

from atrium import jobs
from atrium.extensions import db
from atrium.models import Inquiry


def _inquiry(app, **fields) -> int:
    with app.app_context():
        factories.user("editor@example.com", role="editor")
        factories.user("viewer@example.com", role="viewer")
        inquiry = Inquiry(
            name=fields.get("name", "Zoë"),
            email="zoe@example.com",
            message=fields.get("message", "Hello"),
            locale=fields.get("locale", "en"),
        )
        db.session.add(inquiry)
        db.session.commit()
        return inquiry.id


def test_staff_receive_the_inquiry_with_the_visitors_text_escaped(make_app):
    with SMTPServer() as smtp:
        app = make_app(**smtp.config())
        _inquiry(app, message="<script>alert('x')</script>\nThanks!", locale="de")
        jobs.wait(app)
    [message] = smtp.inbox.messages
    assert message["To"] == "editor@example.com"  # admins and editors, not viewers
    assert message["Subject"] == "Neue Nachricht von Zoë"  # the inquiry's language
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert 'lang="de"' in html
    assert "<script>alert('x')</script>" in message.get_body(("plain",)).get_content()


def test_a_failing_mail_server_is_retried_and_the_inquiry_kept(make_app):
    with SMTPServer(fail_first=2) as smtp:
        app = make_app(JOBS_RETRY_INTERVALS=[0.05, 0.05, 0.05], **smtp.config())
        inquiry_id = _inquiry(app)
        jobs.wait(app)
    assert smtp.inbox.refused == 2
    assert len(smtp.inbox.messages) == 1
    with app.app_context():
        assert db.session.scalar(select(Inquiry.message).where(Inquiry.id == inquiry_id))


def test_configured_recipients_win(make_app):
    with SMTPServer() as smtp:
        app = make_app(INQUIRY_NOTIFY_TO="sales@example.com, boss@example.com", **smtp.config())
        _inquiry(app)
        jobs.wait(app)
    to = {a.strip() for a in smtp.inbox.messages[0]["To"].split(",")}
    assert to == {"sales@example.com", "boss@example.com"}


@pytest.mark.redis
def test_with_redis_the_worker_sends_the_mail(make_app, redis_url):
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    with SMTPServer() as smtp:
        app = make_app(REDIS_URL=redis_url, **smtp.config())
        _inquiry(app)
        assert smtp.inbox.messages == []  # queued, not sent by the web process
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
    assert len(smtp.inbox.messages) == 1


def test_worker_without_redis_says_why(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1
    assert "flask worker needs REDIS_URL" in result.output


@pytest.mark.redis
def test_the_worker_schedules_the_nightly_purge(make_app, redis_url):
    from datetime import timedelta

    from redis import Redis
    from rq import Queue
    from rq import SimpleWorker
    from rq.cron import CronScheduler

    from atrium.models.base import utcnow

    Redis.from_url(redis_url).flushdb()
    app = make_app(REDIS_URL=redis_url, INQUIRY_RETENTION_DAYS=30)
    with app.app_context():
        old = Inquiry(name="Old", email="old@example.com", message="Hi", locale="en")
        old.created_at = utcnow() - timedelta(days=31)
        db.session.add_all(
            [old, Inquiry(name="New", email="n@example.com", message="Hi", locale="en")]
        )
        db.session.commit()
        connection = Redis.from_url(redis_url)
        cron = CronScheduler(connection)
        for expression, func in jobs.schedule():
            cron.register(func, jobs.QUEUE, cron=expression)
        [job] = cron.get_jobs()
        job.enqueue(connection)  # what the scheduler does at 03:17
        SimpleWorker([Queue(jobs.QUEUE, connection=connection)], connection=connection).work(
            burst=True
        )
        assert [i.name for i in db.session.scalars(select(Inquiry))] == ["New"]
