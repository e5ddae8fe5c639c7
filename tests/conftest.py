"""Shared fixtures: real local servers on 127.0.0.1, no mocks of our own code.

The parts themselves live in ``tests/support/``; this file makes the fixtures
visible to every test and gives ``storage`` tests both databases.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina
from hypothesis import settings

from tests.support.databases import KINDS, database_url

__all__ = ["database_url"]

# Property tests check correctness; on a shared, loaded machine a per-example deadline
# only measures the neighbours (benchmarks live in bench/).
settings.register_profile("trtc-chatops", deadline=None)
settings.load_profile("trtc-chatops")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``storage`` that uses a database runs once per kind of database."""
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "storage"
    ):
        metafunc.parametrize("database_url", KINDS, indirect=True)


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Retries happen for real, without the waiting (stamina's testing switch)."""
    with stamina.set_testing(True, attempts=4, cap=True):
        yield
