"""Indexes for the back-office's product list: sort by creation, name prefix search

Reviewed: autogenerate found ix_products_created_at; the expression index on lower(name)
cannot be reflected on SQLite, so it is written by hand here.

Revision ID: 251d995a22b9
Revises: 43058124c993
Create Date: 2026-11-26 03:43:12.180496

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '251d995a22b9'
down_revision = '43058124c993'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_created_at', ['created_at'], unique=False)
    op.create_index('ix_products_name_lower', 'products', [sa.text('lower(name)')], unique=False)


def downgrade():
    op.drop_index('ix_products_name_lower', table_name='products')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_created_at')
