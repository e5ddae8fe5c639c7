"""Shared fixtures: real local servers on 127.0.0.1, no mocks of our own code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina

SECRET_ID = "AKIDtestsimulator0000000000000000"
SECRET_KEY = "test-secret-key-never-logged-0001"


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Retries happen for real, without the waiting (stamina's testing switch)."""
    with stamina.set_testing(True, attempts=4, cap=True):
        yield
