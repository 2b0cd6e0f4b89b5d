"""Helpers shared by the bad-input tests: loading generated source from a real
file, running a call and keeping what it raises, locating where an error came from."""
import importlib.util
import itertools
import os
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck
from hypothesis import strategies as st

import tangentlike as tl

from . import harness

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])
PACKAGE = str(Path(tl.__file__).resolve().parent)
_IDS = itertools.count()


def load(source):
    """Import ``source`` from a real file under a unique module name: (module, path)."""
    ws = harness.workspace()
    name = f"tl_bad_{os.getpid()}_{next(_IDS)}"
    path = os.path.join(ws.root, name + ".py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module, path


def grad(fn, mode="reverse"):
    return tl.value_and_grad(fn, wrt=(0, 1), mode=mode)


def modes():
    return st.sampled_from(["reverse", "forward"] if harness.forward_available() else
                           ["reverse"])


def raised(call):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except Exception as e:  # noqa: BLE001 - what the program raises is the reference
        return e
    return None


def innermost_culprit(err):
    """The innermost frame of ``err``'s traceback that is not NumPy's own."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if f"{os.sep}numpy{os.sep}" not in f.filename]
    return frames[-1].filename if frames else ""
