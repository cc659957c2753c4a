"""`python run.py` on a fresh install: migrate, seed, first admin, serve; and again."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select
from support import clear_atrium_env

from atrium import create_app
from atrium.bootstrap import DatabaseUnavailable
from atrium.bootstrap import prepare
from atrium.extensions import db
from atrium.models import Post
from atrium.models import Product
from atrium.models import User

ROOT = Path(__file__).resolve().parent.parent


def _counts(app):
    with app.app_context():
        return [
            db.session.scalar(select(func.count()).select_from(m)) for m in (User, Product, Post)
        ]


def test_prepare_seeds_once_and_a_second_run_changes_nothing(tmp_path, monkeypatch):
    clear_atrium_env(monkeypatch)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    password = prepare(app)
    assert password and len(password) >= 12
    first = _counts(app)
    assert first[0] == 1 and first[1] > 0 and first[2] > 0
    with app.app_context():
        admin = db.session.scalar(select(User))
        assert admin.email == "admin@example.com" and admin.role == "admin"
        assert admin.password_hash != password and admin.check_password(password)
    assert prepare(app) is None
    assert _counts(app) == first


def test_unreachable_database_is_one_sentence(tmp_path, monkeypatch):
    clear_atrium_env(monkeypatch)
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1:1/atrium",
        }
    )
    with pytest.raises(DatabaseUnavailable, match=r"Cannot reach postgresql at 127.0.0.1:1"):
        prepare(app)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_py_serves_a_fresh_clone(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ATRIUM_") and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    env["ATRIUM_INSTANCE_PATH"] = str(tmp_path / "instance")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "run.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            lines.append(line)
            if "First login" in line:
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in output
        assert "admin@example.com" in output
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer /healthz")
    finally:
        server.terminate()
        server.wait(timeout=10)
        output += server.stdout.read()
        server.stdout.close()
    assert (tmp_path / "instance" / "atrium.db").exists()
    # No mail server here: the demo content notifies no one, and nothing fails loudly.
    assert "Traceback" not in output and "atrium.jobs" not in output
    assert "not sent to" not in output  # the demo inquiry is no visitor's: no mail for it


def _clean_env(tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ATRIUM_") and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    env["ATRIUM_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def test_a_busy_port_is_said_before_the_first_password_is_made(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "run.py", "--port", str(port)],
            cwd=ROOT,
            env=_clean_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "First login" not in result.stdout and "Traceback" not in result.stderr
    assert not (tmp_path / "instance" / "atrium.db").exists()  # the next start makes the admin


def test_links_in_mail_follow_the_port_run_py_serves_on(tmp_path):
    """No mail server: the reset mail goes to the log, and its link leads to this server."""
    from http.cookiejar import CookieJar
    from urllib.parse import urlencode

    from support import csrf_token

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "run.py", "--port", str(port)],
        cwd=ROOT,
        env=_clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while "First login" not in server.stdout.readline():
            pass
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        url = f"http://127.0.0.1:{port}/admin/reset"
        for _ in range(50):
            try:
                page = opener.open(url).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        form = {"email": "admin@example.com", "csrf_token": csrf_token(page)}
        opener.open(url, data=urlencode(form).encode()).read()
        time.sleep(1)  # the mail is written by a job thread
    finally:
        server.terminate()
        server.wait(timeout=10)
        output = server.stdout.read()
        server.stdout.close()
    assert f"http://127.0.0.1:{port}/admin/reset/" in output


def test_a_port_just_freed_by_a_restart_is_free(tmp_path):
    """The previous run's connections leave the port in TIME_WAIT: a restart still serves."""
    with socket.socket() as previous:
        previous.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        previous.bind(("127.0.0.1", 0))
        previous.listen()
        port = previous.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = previous.accept()
        accepted.close()  # the server's end closes first: it waits in TIME_WAIT
        client.close()
    server = subprocess.Popen(
        [sys.executable, "run.py", "--port", str(port)],
        cwd=ROOT,
        env=_clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        for line in server.stdout:  # migrations log first; run.py then says where it runs
            lines.append(line)
            if "Atrium is running" in line or "already in use" in line:
                break
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
    output = "".join(lines)
    assert "already in use" not in output
    assert f"Atrium is running at http://127.0.0.1:{port}/" in output
