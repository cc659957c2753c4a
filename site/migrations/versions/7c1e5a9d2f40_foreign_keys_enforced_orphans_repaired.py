"""Foreign keys enforced: rows left orphaned by SQLite repaired; category deletes protected

SQLite ran with foreign keys off before this revision, so no ON DELETE rule fired:
products and subcategories kept the id of a deleted category (and a new category could
take them over), translations outlived their product. This revision repairs such rows,
breaks category loops the back-office let through, and makes deleting a category that
still has products or subcategories a refusal (RESTRICT) instead of SET NULL.

Revision ID: 7c1e5a9d2f40
Revises: 2156bb773019
Create Date: 2026-12-01 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2f40'
down_revision = '2156bb773019'
branch_labels = None
depends_on = None

#: (table, column, referred table, what an orphan becomes)
REFERENCES = [
    ('products', 'category_id', 'categories', 'null'),
    ('categories', 'parent_id', 'categories', 'null'),
    ('posts', 'author_id', 'users', 'null'),
    ('audit_entries', 'actor_id', 'users', 'null'),
    ('product_translations', 'product_id', 'products', 'delete'),
    ('category_translations', 'category_id', 'categories', 'delete'),
    ('api_tokens', 'owner_id', 'users', 'delete'),
]


def _repair_orphans():
    for table, column, referred, fix in REFERENCES:
        orphan = (
            f"{column} IS NOT NULL AND {column} NOT IN (SELECT id FROM {referred})"
        )
        if fix == 'null':
            op.execute(f"UPDATE {table} SET {column} = NULL WHERE {orphan}")
        else:
            op.execute(f"DELETE FROM {table} WHERE {orphan}")


def _break_category_loops():
    """A category inside itself: the member of each loop with the lowest id goes to the top."""
    connection = op.get_bind()
    parents = dict(connection.execute(sa.text("SELECT id, parent_id FROM categories")).all())
    for start in parents:
        path = []
        node = start
        while node is not None and node not in path:
            path.append(node)
            node = parents.get(node)
        if node is not None:  # came back to a node on the path: a loop
            loop = path[path.index(node):]
            top = min(loop)
            connection.execute(
                sa.text("UPDATE categories SET parent_id = NULL WHERE id = :id"), {"id": top}
            )
            parents[top] = None


def _set_ondelete(table, column, ondelete):
    name = f"fk_{table}_{column}_categories"
    rebuilt = op.get_bind().dialect.name == 'sqlite'  # batch mode copies the table
    if rebuilt and table == 'products':  # an expression index is not copied: made again
        op.drop_index('ix_products_name_lower', table_name='products')
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(name, type_='foreignkey')
        batch_op.create_foreign_key(name, 'categories', [column], ['id'], ondelete=ondelete)
    if rebuilt and table == 'products':
        op.create_index('ix_products_name_lower', 'products', [sa.text('lower(name)')])


def upgrade():
    _repair_orphans()
    _break_category_loops()
    _set_ondelete('products', 'category_id', 'RESTRICT')
    _set_ondelete('categories', 'parent_id', 'RESTRICT')


def downgrade():
    _set_ondelete('categories', 'parent_id', 'SET NULL')
    _set_ondelete('products', 'category_id', 'SET NULL')
