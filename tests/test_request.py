"""The one frozen ``Request`` (tangentlike/request.py, docs/architecture.md "The request"):
it is hashable and frozen, its ``key()`` is deterministic, the same in every process and
different for every field that changes the output, ``describe()`` is the options line of
an emitted module's header, and the memory key, the disk key and the header all come
from it (a field added to a Request reaches all three with no other code)."""
import dataclasses
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache, pipeline
from tangentlike.frontend.source import spec_of
from tangentlike.ir.callees import Binomial, Periodic
from tangentlike.request import Request


def loss(x, w):
    return np.sum(np.tanh(x * w) ** 2)


def _base(**kw):
    return Request(loss, [True, False], ["num", "num"], "grad", names=("x", "w"), **kw)


# A value different from the default for every field but ``fn``: a field added to Request
# without one here fails test_every_field_has_a_case.
OTHER = {"mask": (False, True), "kinds": ("num", "scalar"), "mode": "vjp", "single": (0,),
         "with_value": True, "optimize": False, "checkpoint": Periodic(2),
         "patterns": ((0,), (1,)), "backend": "array_api", "checked": ("x=array(n)", (0,)),
         "names": ("a", "b"), "order": 2}


def test_every_field_has_a_case():
    assert {f.name for f in dataclasses.fields(Request)} - {"fn"} == set(OTHER)


def test_frozen_and_hashable_and_normalised():
    a = _base(patterns=[(0,), (1,)], checked=("x=array(n)", [0]))
    b = _base(patterns=((0,), (1,)), checked=("x=array(n)", (0,)))
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a.mask == (True, False) and a.kinds == ("num", "num")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.optimize = False
    with pytest.raises(ValueError, match="mode='reverse'"):
        Request(loss, [True], ["num"], "reverse")


def test_key_is_equal_for_equal_requests_and_differs_for_each_field():
    assert _base().key() == _base().key()
    assert _base(checkpoint=Binomial(3)).key() == _base(checkpoint=Binomial(3)).key()
    keys = {"": _base().key()}
    for name, value in OTHER.items():
        keys[name] = dataclasses.replace(_base(), **{name: value}).key()
    assert len(set(keys.values())) == len(keys), keys
    json.loads(keys[""])  # canonical JSON text
    assert "loss" not in keys[""]  # the function's identity is not in it: its source is


def test_key_is_the_same_in_every_process():
    script = textwrap.dedent("""
        from tangentlike.ir.callees import Periodic
        from tangentlike.request import Request
        r = Request(print, [True, False, True], ["num", "scalar", "seq"], "grad", (1, 0),
                    True, False, Periodic(3), [(0, 1), "py", None], names=("a", "b", "c"))
        print(r.key())
    """)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    outs = set()
    for seed in ("0", "1", "12345"):
        env["PYTHONHASHSEED"] = seed
        outs.add(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                capture_output=True, text=True).stdout)
    assert len(outs) == 1
    here = Request(print, [True, False, True], ["num", "scalar", "seq"], "grad", (1, 0), True,
                   False, Periodic(3), [(0, 1), "py", None], names=("a", "b", "c"))
    assert outs == {here.key() + "\n"}


def test_describe():
    assert _base().describe() == "mode=reverse, wrt=x, with_value=False, optimize=True"
    two = Request(loss, [True, True], ["num", "num"], "fgrad", (1, 0), True, False,
                  names=("x", "w"))
    assert two.describe() == "mode=forward, wrt=(w,x), with_value=True, optimize=False"
    extra = _base(checkpoint=Periodic(2), backend="array_api", order=2,
                  patterns=((0,), (1,)), checked=("x=array(n)", (0,)))
    assert extra.describe() == ("mode=reverse, wrt=x, with_value=False, optimize=True, "
                                "checkpoint=Periodic(every=2), backend=array_api, order=2")


def test_the_header_prints_describe():
    g = tl.value_and_grad(loss, wrt=("w", "x"))
    src = tl.emit(g, general=True)
    req = g.plan()
    assert req.describe() == "mode=reverse, wrt=(w,x), with_value=True, optimize=True"
    assert src.splitlines()[1] == f"# Options: {req.describe()}."


@dataclasses.dataclass(frozen=True)
class Probe(Request):
    """A Request with one more option, as a future field would be."""
    probe: str = "off"


def test_a_new_field_reaches_the_memory_key_the_disk_key_and_the_header(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path))
    disk_keys = []
    real = cache.make_key
    monkeypatch.setattr(cache, "make_key", lambda funcs, k: disk_keys.append(k) or real(funcs, k))
    pipeline._MEMORY.clear()
    a = Probe(loss, [True, False], ["num", "num"], "grad", names=("x", "w"), probe="a")
    b = dataclasses.replace(a, probe="b")
    built = pipeline.STATS["compiled"]
    ca, cb = pipeline.compile_derivative(a), pipeline.compile_derivative(b)
    assert ca is not cb and pipeline.STATS["compiled"] == built + 2  # two memory keys, two builds
    assert disk_keys == [a.key(), b.key()] and '"probe": "a"' in a.key()
    spec = spec_of(loss)
    assert pipeline.memory_key(a, spec) in pipeline._MEMORY and a != b
    assert pipeline._MEMORY[pipeline.memory_key(b, spec)] is cb
    assert pipeline.compile_derivative(Probe(loss, [True, False], ["num", "num"], "grad",
                                             names=("x", "w"), probe="a")) is ca
    pipeline._MEMORY.clear()
    hits = pipeline.STATS["disk_hits"]
    pipeline.compile_derivative(b)
    assert pipeline.STATS["disk_hits"] == hits + 1  # b's own disk entry
    assert len(cache.entries(tmp_path)) == 2
    header = pipeline.standalone_module(a).splitlines()[1]
    assert header == "# Options: mode=reverse, wrt=x, with_value=False, optimize=True, probe=a."
    x, w = np.linspace(-1, 1, 4), np.linspace(0.5, 2, 4)
    np.testing.assert_allclose(ca.fn(x, w), cb.fn(x, w), rtol=1e-15)
    eps, fd = 1e-6, np.zeros(4)
    for i in range(4):
        e = np.zeros(4)
        e[i] = eps
        fd[i] = (loss(x + e, w) - loss(x - e, w)) / (2 * eps)
    np.testing.assert_allclose(ca.fn(x, w), fd, rtol=1e-5)


def test_a_called_derivatives_options_are_in_the_disk_key():
    """A derivative called inside a differentiated function is fingerprinted with every
    option of its own (its generated code is what the caller's derivative calls)."""
    from tangentlike.cachekey import object_fingerprint
    fps = {object_fingerprint(g) for g in
           [tl.grad(loss), tl.grad(loss, checkpoint=Periodic(2)),
            tl.grad(loss, backend="array_api"), tl.grad(loss, has_aux=True),
            tl.grad(loss, optimize=False), tl.grad(loss, wrt=1), tl.value_and_grad(loss)]}
    assert len(fps) == 7
    assert object_fingerprint(tl.grad(loss)) == object_fingerprint(tl.grad(loss))
