"""Suite-wide settings: the disk cache and generated files go to a temporary
directory for the session, never the user's ~/.cache (a test that needs its own
cache directory sets ``TANGENTLIKE_CACHE_DIR`` itself, with ``monkeypatch``)."""
import os
import shutil
import tempfile

_DIR = []


def pytest_configure(config):
    _DIR.append(tempfile.mkdtemp(prefix="tangentlike-tests-"))
    os.environ["TANGENTLIKE_CACHE_DIR"] = os.path.join(_DIR[0], "cache")


def pytest_unconfigure(config):
    for d in _DIR:
        shutil.rmtree(d, ignore_errors=True)
