"""Every runnable example in the pure core's docstrings runs and gives what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kith.formats
import kith.instruments
import kith.network

CORE_MODULES = sorted(
    info.name
    for package in (kith.network, kith.formats, kith.instruments)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if ".tests" not in info.name
)


def test_the_core_has_modules() -> None:
    assert "kith.network.measures" in CORE_MODULES
    assert "kith.formats.egor" in CORE_MODULES


@pytest.mark.parametrize("name", [*CORE_MODULES, "kith.network"])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
