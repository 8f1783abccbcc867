"""Alembic environment: the models' metadata, batch mode so SQLite can alter tables."""

from alembic import context
from sqlalchemy import engine_from_config, pool

import govflow.models  # noqa: F401 - registers every table on the metadata
from govflow.extensions import db
from govflow.migrate import include_name

config = context.config
target_metadata = db.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        import os

        from govflow.config import load_config

        instance = os.environ.get("GOVFLOW_INSTANCE_PATH") or str(
            __import__("pathlib").Path(__file__).resolve().parent.parent / "instance"
        )
        url = load_config(instance)["SQLALCHEMY_DATABASE_URI"]
    return url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    section = {"sqlalchemy.url": _url()}
    engine = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
