"""Alembic environment shared by every component's migrations (driven by scms.services.common.migrations).

The caller passes the open connection and the version table through `config.attributes`; nothing is read from an
ini file or the environment. Revision scripts live in `scms/services/<component>/migrations/`.
"""

from alembic import context

_config = context.config
context.configure(
    connection=_config.attributes["connection"],
    version_table=_config.attributes["version_table"],
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
