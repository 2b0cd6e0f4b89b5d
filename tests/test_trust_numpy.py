"""The NumPy lower bound is true (issue 13): the pin in pyproject.toml is the version
tangentlike checks at import and the one ``.ci/run`` tests in a venv of its own; an older
NumPy is a clear ImportError, not an AttributeError from deep inside the rules."""
import re
from pathlib import Path

import numpy as np
import pytest

import tangentlike

ROOT = Path(__file__).resolve().parent.parent


def test_the_pin_is_the_checked_and_tested_minimum():
    text = (ROOT / "pyproject.toml").read_text()
    pin = re.search(r'"numpy>=([0-9.]+)"', text).group(1)
    assert tuple(int(p) for p in pin.split(".")) == tangentlike.MIN_NUMPY
    ci = (ROOT / ".ci" / "run").read_text()
    assert f'"numpy=={pin}.*"' in ci


@pytest.mark.parametrize("version", ["1.22.0", "1.26.4", "2.0.2", "2.0.0rc1"])
def test_an_older_numpy_is_a_clear_import_error(version):
    with pytest.raises(ImportError, match=f"needs NumPy >= 2.1, but NumPy {re.escape(version)}"):
        tangentlike.check_numpy(version)


@pytest.mark.parametrize("version", ["2.1.0", "2.1.3", "2.2.0rc1", "2.4.6", "10.0.0"])
def test_newer_numpy_is_accepted(version):
    tangentlike.check_numpy(version)


def test_the_installed_numpy_has_what_the_rules_use():
    tangentlike.check_numpy(np.__version__)
    assert hasattr(np, "matrix_transpose") and hasattr(np.linalg, "svdvals")
