"""Ids are never reused on SQLite (AUTOINCREMENT), so a history names one record

Without AUTOINCREMENT, SQLite gives a new row the largest id + 1: after the newest row is
deleted, the next one takes its id, and with it the old row's audit history (and any
ETag or form read from it). Each audited table is rebuilt with AUTOINCREMENT, and its
counter starts past every id it or the audit log has ever named. PostgreSQL's sequences
never reuse ids: nothing to do there.

Revision ID: 9d3b6f0a1c27
Revises: 7c1e5a9d2f40
Create Date: 2026-12-02 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d3b6f0a1c27'
down_revision = '7c1e5a9d2f40'
branch_labels = None
depends_on = None

#: table → the model name its audit entries carry
TABLES = {
    'api_tokens': 'ApiToken',
    'categories': 'Category',
    'category_translations': 'CategoryTranslation',
    'inquiries': 'Inquiry',
    'posts': 'Post',
    'products': 'Product',
    'product_translations': 'ProductTranslation',
    'users': 'User',
}


def _rebuild(autoincrement):
    if op.get_bind().dialect.name != 'sqlite':
        return
    # Batch mode copies no expression index (and warns of it when it reflects the table).
    op.drop_index('ix_products_name_lower', table_name='products')
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
        ):
            pass
    op.create_index('ix_products_name_lower', 'products', [sa.text('lower(name)')])


def upgrade():
    _rebuild(True)
    connection = op.get_bind()
    if connection.dialect.name != 'sqlite':
        return
    for table, model in TABLES.items():
        highest = connection.execute(
            sa.text(
                f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0),"
                " coalesce((SELECT max(CAST(pk AS INTEGER)) FROM audit_entries"
                " WHERE model = :model), 0))"
            ),
            {'model': model},
        ).scalar()
        connection.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {'t': table})
        connection.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"),
            {'t': table, 'seq': highest},
        )


def downgrade():
    _rebuild(False)
