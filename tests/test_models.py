"""Model rules every writer relies on: normalised emails, versions, audit, UTC times."""

from datetime import UTC

import factories
import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from atrium import audit
from atrium.models import AuditEntry
from atrium.models import Product
from atrium.models import ProductTranslation
from atrium.models.base import StaleVersion
from atrium.models.base import expect_version
from atrium.services import RuleBroken


def test_email_is_unique_whatever_its_case(db):
    factories.user("Mary@Example.com")
    db.session.commit()
    factories.user("mary@EXAMPLE.com")
    with pytest.raises(RuleBroken, match="already exists"):
        db.session.commit()


def test_unknown_role_is_refused(db):
    with pytest.raises(ValueError):
        factories.user(role="owner")


def test_times_are_utc_aware(db):
    product = factories.product()
    db.session.commit()
    db.session.expire_all()
    assert product.created_at.tzinfo is UTC


def test_version_moves_on_each_update_and_stale_writes_fail(app, db):
    product = factories.product(name="Mug")
    db.session.commit()
    assert product.version == 1
    product.name = "Big mug"
    db.session.commit()
    assert product.version == 2
    with pytest.raises(StaleVersion):
        expect_version(product, 1)
    expect_version(product, "2")

    # A second writer that read version 2 loses to one that saved in between.
    other = db.session.get(Product, product.id)
    db.session.expunge(other)
    with app.app_context():
        from atrium.extensions import db as second

        row = second.session.get(Product, product.id)
        row.stock = 7
        second.session.commit()
    db.session.add(other)
    other.name = "Lost update"
    with pytest.raises(StaleDataError):
        db.session.commit()


def test_a_translation_added_changed_or_removed_moves_its_products_version(db):
    product = factories.product(name="Mug")
    db.session.commit()
    db.session.add(ProductTranslation(product_id=product.id, locale="de", name="Tasse"))
    db.session.commit()
    assert product.version == 2
    translation = product.translations[0]
    translation.name = "Becher"
    db.session.commit()
    assert (product.version, translation.version) == (3, 2)
    db.session.delete(translation)
    db.session.commit()
    assert product.version == 4
    # A new product with its translations is simply at version 1.
    fresh = factories.product(slug="cup", name="Cup")
    fresh.translations.append(ProductTranslation(locale="fr", name="Tasse"))
    db.session.commit()
    assert fresh.version == 1


def test_audit_records_create_update_delete_with_the_actor(db):
    audit.set_actor(factories.user("boss@example.com", role="admin"), "admin")
    product = factories.product(name="Vase", slug="vase")
    db.session.commit()
    product.name = "Tall vase"
    db.session.commit()
    db.session.delete(product)
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.model == "Product").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert {e.actor for e in entries} == {"boss@example.com"}
    assert entries[1].changes == {"name": ["Vase", "Tall vase"]}
    assert entries[2].changes["slug"] == ["vase", None]
