from __future__ import annotations

import io

import pytest

from kith.accounts.testing import World, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def demo_directory(db: None) -> None:
    """The fictional demo directory (312 services), postcodes and interest statements."""
    from kith.assets.demo import load_demo_directory

    load_demo_directory(io.StringIO())
