"""Errors inside /admin stay in the admin's layout, say why, and link back."""

import pytest


def in_admin_layout(response) -> bool:
    return 'class="navbar-brand" href="/admin"' in response.text and 'href="/admin/"' in (
        response.text
    )


def test_403_names_the_role_needed(staff):
    client = staff.login(role="viewer")
    response = client.get("/admin/product/new/")
    assert response.status_code == 403
    assert in_admin_layout(response)
    assert "This needs one of the roles admin, editor; you are logged in as viewer." in (
        response.text
    )
    assert "Content-Security-Policy" in response.headers


def test_403_for_a_view_of_one_role(staff):
    response = staff.login(role="translator").get("/admin/user/")
    assert response.status_code == 403
    assert in_admin_layout(response)
    assert "This needs the role admin; you are logged in as translator." in response.text


def test_403_is_localized_for_the_staff_member(staff):
    client = staff.login(role="viewer")
    response = client.get("/admin/product/new/", headers={"Accept-Language": "de"})
    assert response.status_code == 403
    assert '<html lang="de"' in response.text


@pytest.mark.parametrize("path", ["/admin/no-such-view/", "/admin/product/nothing-here"])
def test_404_stays_in_the_admin_layout(staff, path):
    response = staff.login(role="editor").get(path)
    assert response.status_code == 404
    assert in_admin_layout(response)
    assert "There is no page or record at this address in the back-office." in response.text


def test_500_stays_in_the_admin_layout_and_shows_no_detail(make_app, caplog):
    from admin_helpers import Staff

    app = make_app()

    @app.get("/admin/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = Staff(app).login(role="editor").get("/admin/boom")
    assert response.status_code == 500
    assert in_admin_layout(response)
    assert "Something went wrong on our side." in response.text
    assert "secret detail" not in response.text
