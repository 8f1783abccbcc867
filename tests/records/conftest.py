"""The fault tests' served-govflow fixture, for the race test of the record's chains."""

from tests.faults.conftest import serve  # noqa: F401 - a fixture
