"""Where the source map (issue 17) meets guards, rebinding, entry points and the array
API back end (issues 13, 18): each feature keeps working beside the other.

- A user global named like the map's own constants (``_SOURCE_MAP``) gets another
  name, so the map never overwrites the user's array nor the array the map.
- ``Compiled.rebound()`` (a global array rebound to one of the same dtype and shape)
  keeps the module's ``text`` (source map included) and ``source`` (code alone).
- A ``TangentlikeError`` raised inside generated code (``rt.check_scalar``) gets the
  note naming the user's line and still loses the compiler's frames (``user_error``).
- ``tl.emit`` of an ``array_api`` derivative is the general variant (no argument
  check), and refuses ``like=``.
"""
import importlib
import sys
import traceback

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache, pipeline
from tangentlike.runtime.sourcemap import PREFIX

SHADOW = '''import numpy as np

_SOURCE_MAP = np.array([1.0, 2.0, 3.0])
_SOURCE_LINES = np.array([0.5, 0.5, 0.5])


def loss(w):
    return np.sum(_SOURCE_LINES * (_SOURCE_MAP * w) ** 2)


def vector(x):
    return x * 2.0
'''


@pytest.fixture
def module(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    cache.reset()
    pipeline._MEMORY.clear()
    (tmp_path / "tl_merge_shadow.py").write_text(SHADOW)
    importlib.invalidate_caches()
    yield importlib.import_module("tl_merge_shadow")
    sys.modules.pop("tl_merge_shadow", None)
    cache.reset()


def _want(m, w):  # d/dw sum(L * (M w)^2) = 2 L M^2 w, exact in float64 for these values
    return 2 * m._SOURCE_LINES * m._SOURCE_MAP ** 2 * w


def test_a_global_named_like_the_map_keeps_its_value(module, tmp_path):
    w = np.array([0.5, -0.25, 1.0])
    g = tl.grad(module.loss)
    np.testing.assert_allclose(g(w), _want(module, w), rtol=1e-12)
    compiled = g.compiled([w])
    assert isinstance(compiled.module._SOURCE_MAP, dict)  # the map, not the array
    assert "_SOURCE_MAP_2" in compiled.source  # the user's array, under another name
    path = tmp_path / "grad_loss.py"
    tl.emit(g, path, general=True)
    spec = importlib.util.spec_from_file_location("tl_merge_emitted", path)
    emitted = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(emitted)
    assert isinstance(emitted._SOURCE_MAP, dict)
    np.testing.assert_allclose(emitted.grad_loss(w), _want(module, w), rtol=1e-12)


def test_rebound_code_keeps_its_source_map(module):
    w = np.array([0.5, -0.25, 1.0])
    first = tl.grad(module.loss).compiled([w])
    module._SOURCE_MAP = np.array([3.0, 4.0, 5.0])  # same dtype and shape: rebound
    again = tl.grad(module.loss).compiled([w])
    assert again is not first and again.text == first.text
    assert "_SOURCE_MAP = {" in again.text and "_SOURCE_MAP = {" not in again.source
    np.testing.assert_allclose(again.fn(w), _want(module, w), rtol=1e-12)


def test_an_error_of_the_library_in_generated_code_names_the_line(module):
    g = tl.grad(module.vector)
    with pytest.raises(tl.NonScalarOutputError) as info:
        g(np.ones(3))
    notes = [n for n in getattr(info.value, "__notes__", ()) if n.startswith(PREFIX)]
    # the check of the output is the function's own (the seed's location): its def line
    assert notes == [f"{PREFIX}vector: {module.__file__}, line 11: def vector(x):"]
    frames = [(f.filename, f.name) for f in traceback.extract_tb(info.value.__traceback__)]
    assert ("grad_vector" in [name for _, name in frames]  # generated code stays, and the
            and "check_scalar" not in [name for _, name in frames])  # runtime's frame goes


def test_array_api_emission_is_the_general_variant(module):
    g = tl.grad(module.loss, backend="array_api")
    src = tl.emit(g)
    assert "rt.check_like" not in src and "backend=array_api" in src
    with pytest.raises(tl.ArgumentError, match="backend='array_api'"):
        tl.emit(g, like="w=array(3)")
