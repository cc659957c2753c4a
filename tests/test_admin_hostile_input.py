"""Hand-typed or hostile input to the back-office: a clear page or a 4xx, never a 500."""


import pytest
from admin_helpers import PASSWORD
from admin_helpers import token_of

CRLF_TARGETS = ["/admin/product/\r\nX-Evil: 1", "/admin/\r\n", "/admin/\n/evil.example", "\r\n"]


@pytest.mark.parametrize("target", CRLF_TARGETS)
def test_login_with_a_crlf_next_lands_on_the_dashboard(client, staff, target):
    email = staff.email_of(staff.create("editor"))
    page = client.get("/admin/login", query_string={"next": target})
    assert page.status_code == 200
    response = client.post(
        "/admin/login",
        data={
            "email": email,
            "password": PASSWORD,
            "next": target,
            "csrf_token": token_of(page.text),
        },
    )
    assert response.status_code == 302
    assert response.location == "/admin/"
    assert "X-Evil" not in response.headers


@pytest.mark.parametrize("target", CRLF_TARGETS)
def test_a_logged_in_visit_to_login_with_a_crlf_next_goes_home(staff, target):
    client = staff.login(role="editor")
    response = client.get("/admin/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/admin/"
