"""``*args`` and ``**kwargs``: parameters of called functions and arguments of calls
(a mixin of ``Lowerer``).

Promise: a call of a user function (module-level or nested) whose signature has
``*args`` or ``**kwargs`` lowers as a call of a copy specialised to the call: each
extra positional argument becomes a parameter ``args_0, args_1, ...`` and the body
starts with ``args = (args_0, args_1, ...)``; each extra keyword ``k`` a parameter
``kwargs_k`` and ``kwargs = {"k": kwargs_k}``. A starred argument ``f(*t)`` or ``f(*t[1:])`` passes
the items when ``t`` is a name bound to a tuple or list whose length the compiler knows
(built in the function, or ``*args`` itself); anything else is an
``UnsupportedSyntaxError``. The function differentiated itself may not have star
parameters (its arguments are bound by the API).
"""
from __future__ import annotations

import inspect

import gast

from ..errors import NoSourceError, UnsupportedSyntaxError
from . import scan
from .source import FuncSpec, spec_of

_P = inspect.Parameter


class StarParams:
    def expand_starred(self, node):
        """``node`` (a call) with each ``*t`` argument spelled out as its items."""
        if not any(isinstance(a, gast.Starred) for a in node.args):
            return node
        args = []
        for a in node.args:
            if not isinstance(a, gast.Starred):
                args.append(a)
                continue
            for v in self._known_items(a.value):
                n = self.tmp("item")
                self.env[n] = v
                args.append(gast.copy_location(gast.Name(n, gast.Load(), None, None), a))
        new = gast.Call(node.func, args, node.keywords)
        return gast.copy_location(new, node)

    def _known_items(self, value):
        """The IR values of the items of ``t`` or ``t[i:j]`` for a name ``t`` bound to a
        tuple or list whose length the compiler knows."""
        sliced = None
        if isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice):
            bounds = [value.slice.lower, value.slice.upper, value.slice.step]
            if all(b is None or isinstance(b, gast.Constant) and isinstance(b.value, int)
                   for b in bounds):
                sliced = slice(*[None if b is None else b.value for b in bounds])
                value = value.value
        if isinstance(value, (gast.Tuple, gast.List)) and sliced is None and \
                not any(isinstance(e, gast.Starred) for e in value.elts):
            return [self.expr(e) for e in value.elts]  # f(*(a, b))
        if isinstance(value, gast.Name) and value.id in self.env:
            owner = getattr(self.env[value.id], "owner", None)
            if getattr(owner, "kind", None) in ("tuple", "list"):
                items = list(owner.args)
                return items if sliced is None else items[sliced]
        raise UnsupportedSyntaxError("star-args (*) of a value whose length is not known when "
                                     "the function is compiled", self.spec.loc(value),
                                     "pass the arguments one by one, or a tuple built here")

    def specialize_star(self, fn, node):
        """``(fn, node)``, or a copy of ``fn`` without star parameters for this call."""
        from .lower_expr import LocalFunc
        if isinstance(fn, LocalFunc):
            base, sig = fn.spec, fn.spec.signature()
        elif inspect.isfunction(fn):
            try:
                base, sig = spec_of(fn), inspect.signature(fn)
            except NoSourceError:
                return fn, node  # no source: an opaque call (frontend/opaque.py)
        else:
            return fn, node
        a = base.node.args
        if not (a.vararg or a.kwarg or a.kwonlyargs):
            return fn, node
        names = [p.id for p in a.args]
        kwonly = _keyword_only(base, sig)
        extra = len(node.args) - len(names)
        kws = [k.arg for k in node.keywords if k.arg not in names and k.arg not in kwonly]
        if (extra > 0 and not a.vararg) or (kws and not a.kwarg):
            return fn, node  # a bad call: reported when it is bound
        star = [f"{a.vararg.id}_{i}" for i in range(max(extra, 0))] if a.vararg else []
        kwp = [f"{a.kwarg.id}_{k}" for k in kws] if a.kwarg else []
        own = scan.local_names(base.node) | set(names) | set(kwonly) | set(base.lifted)
        clash = own & set(star + kwp)
        if clash:
            raise UnsupportedSyntaxError(f"star parameters of {base.name}, which also has a "
                                         f"variable '{sorted(clash)[0]}'", self.spec.loc(node),
                                         "rename the variable")
        spec = _copy(base, sig, (star, list(kwonly.values()), kwp), kws, extra > 0)
        keywords = [gast.keyword(f"{a.kwarg.id}_{k.arg}" if k.arg in kws else k.arg, k.value)
                    for k in node.keywords]
        call = gast.copy_location(gast.Call(node.func, node.args, keywords), node)
        return LocalFunc(spec), call


def _keyword_only(base, sig):
    """``{name: inspect.Parameter}`` of ``base``'s keyword-only parameters."""
    a = base.node.args
    if base.pyfunc is not None:
        found = {p.name: p for p in sig.parameters.values() if p.kind == _P.KEYWORD_ONLY}
        return {n.id: found[n.id] for n in a.kwonlyargs if n.id in found}
    out = {}
    for n, d in zip(a.kwonlyargs, a.kw_defaults):
        default = _P.empty if d is None else base._literal(d)
        out[n.id] = _P(n.id, _P.KEYWORD_ONLY, default=default)
    return out


def _copy(base, sig, new_params, kws, positional):
    """The FuncSpec of ``base`` with parameters for its star parameters (``star``), its
    keyword-only ones and the keywords ``kws`` (``kwp``), and the statements that rebuild
    ``args``/``kwargs`` from them."""
    star, kwonly, kwp = new_params
    fdef, a = base.node, base.node.args
    at = fdef.body[0]
    body = []
    if a.vararg:
        elts = [gast.Name(n, gast.Load(), None, None) for n in star]
        body.append(gast.Assign([gast.Name(a.vararg.id, gast.Store(), None, None)],
                                gast.Tuple(elts, gast.Load()), None))
    if a.kwarg:
        body.append(gast.Assign([gast.Name(a.kwarg.id, gast.Store(), None, None)],
                                gast.Dict([gast.Constant(k, None) for k in kws],
                                          [gast.Name(n, gast.Load(), None, None) for n in kwp]),
                                None))
    for s in body:
        for n in gast.walk(s):
            gast.copy_location(n, at)
            n.end_lineno, n.end_col_offset = at.lineno, at.col_offset
    params = [gast.Name(n, gast.Param(), None, None)
              for n in star + [p.name for p in kwonly] + kwp]
    new = gast.FunctionDef(fdef.name, gast.arguments(list(a.args) + params, [], None, [], [],
                                                     None, []),
                           body + list(fdef.body), [], None, None, [])
    gast.copy_location(new, fdef)
    new.end_lineno, new.end_col_offset = fdef.end_lineno, fdef.end_col_offset
    spec = FuncSpec(new, base.filename, base.line0, base.col0, base.globals, base.closure,
                    base.name, lifted=base.lifted,
                    key=(base.key, "star", len(star), tuple(kws)), parent=base.parent)
    spec.local_funcs = dict(base.local_funcs)
    named = [p for p in sig.parameters.values() if p.kind in (_P.POSITIONAL_ONLY,
                                                              _P.POSITIONAL_OR_KEYWORD)]
    if positional:  # every named parameter is given by position: no default is used
        named = [p.replace(default=_P.empty) for p in named]
    lifted = [_P(n, _P.KEYWORD_ONLY) for n in base.lifted]
    spec.fixed_signature = inspect.Signature(
        named + [_P(n, _P.POSITIONAL_OR_KEYWORD) for n in star] + kwonly
        + [_P(n, _P.KEYWORD_ONLY) for n in kwp] + lifted)
    return spec
