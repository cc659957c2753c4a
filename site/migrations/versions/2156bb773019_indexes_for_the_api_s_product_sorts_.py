"""Indexes for the API's product sorts: stock, updated_at

Reviewed: autogenerate found both; nothing else differed.

Revision ID: 2156bb773019
Revises: 251d995a22b9
Create Date: 2026-11-26 06:33:43.145956

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2156bb773019'
down_revision = '251d995a22b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_stock', ['stock'], unique=False)
        batch_op.create_index('ix_products_updated_at', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_updated_at')
        batch_op.drop_index('ix_products_stock')

