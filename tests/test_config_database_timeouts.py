"""The database timeouts: read from the environment, applied to the engine the app ends up
using (PostgreSQL: connect_timeout and statement_timeout; SQLite: its busy timeout), and
left off the command line's statements unless the operator sets them."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from govflow.config import ConfigError, engine_options, load_config
from govflow.extensions import db
from tests.conftest import IS_POSTGRES

PG = "postgresql+psycopg://govflow@db.example/govflow"


def _options(tmp_path, url, **environ):
    config = load_config(str(tmp_path), environ)
    config["SQLALCHEMY_DATABASE_URI"] = url
    return engine_options(config)


def test_postgresql_gets_connect_and_statement_timeouts_by_default(tmp_path):
    options = _options(tmp_path, PG)
    assert options["connect_args"] == {"connect_timeout": 3,
                                       "options": "-c statement_timeout=4000"}
    assert options["pool_timeout"] == 3.0 and options["pool_pre_ping"]


def test_the_timeouts_come_from_the_environment(tmp_path):
    options = _options(tmp_path, PG, GOVFLOW_DB_CONNECT_TIMEOUT="2",
                       GOVFLOW_DB_STATEMENT_TIMEOUT_MS="1500", GOVFLOW_DB_POOL_TIMEOUT="0.5")
    assert options["connect_args"] == {"connect_timeout": 2,
                                       "options": "-c statement_timeout=1500"}
    assert options["pool_timeout"] == 0.5
    sqlite = load_config(str(tmp_path), {"GOVFLOW_SQLITE_BUSY_TIMEOUT_MS": "2500"})
    assert sqlite["SQLITE_BUSY_TIMEOUT_MS"] == 2500
    assert load_config(str(tmp_path), {})["SQLITE_BUSY_TIMEOUT_MS"] == 4000


def test_sqlite_gets_no_driver_options_it_would_not_understand(tmp_path):
    assert _options(tmp_path, f"sqlite:///{tmp_path}/x.sqlite") == {"pool_pre_ping": True}


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(tmp_path, value):
    with pytest.raises(ConfigError, match="GOVFLOW_DB_CONNECT_TIMEOUT"):
        load_config(str(tmp_path), {"GOVFLOW_DB_CONNECT_TIMEOUT": value})


def test_commands_have_no_statement_limit_unless_one_is_set(tmp_path, monkeypatch):
    config = load_config(str(tmp_path), {})
    config.update(SQLALCHEMY_DATABASE_URI=PG, DB_STATEMENT_TIMEOUT_MS=0)  # as govflow.cli.main
    assert engine_options(config)["connect_args"] == {"connect_timeout": 3}


@pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL (set GOVFLOW_TEST_DATABASE_URL)")
def test_the_apps_connections_carry_the_statement_timeout(app):
    assert db.session.scalar(text("SHOW statement_timeout")) == "4s"
