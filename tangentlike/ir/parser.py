"""Parse the IR's text form (``ir/printer.py``) back into a ``Func``.

``parse_func(text, env)`` is the inverse of ``print_func`` for everything the
printer shows: ``print_func(parse_func(print_func(f), env)) == print_func(f)``.
It exists so that each pass can be tested IR-in / IR-out (filecheck style,
``tests/test_pass_filecheck.py``). Names are resolved as the printer writes them:
operator names (``add``, ``getitem``), ``np.X`` / ``np.linalg.X``, builtins, and
anything else through ``env`` (``{"rt": tangentlike.runtime, "step": step}``:
the runtime lives above this layer, so its caller passes it). Constants are
Python literals or such names; arrays (printed as ``array(shape)``) have no text
form. Attributes the printer does not show (adjoint marks) are not restored.
"""
from __future__ import annotations

import ast
import builtins
import re

import numpy as np

from ..errors import Loc, TangentlikeError
from .nodes import Block, Func, Op, Value, append_op
from .printer import _OPNAMES

_BY_NAME = {name: fn for fn, name in _OPNAMES.items()}
_OP = re.compile(r"^(?:(?P<res>%[^=]+?) = )?(?P<kind>[a-z_]+)(?P<rest>.*)$")
_LINE = re.compile(r"\s+# line (\d+)$")


class IRSyntaxError(TangentlikeError):
    """Text that is not the printed form of an IR function."""


def resolve(name: str, env=None):
    """The object the printer writes as ``name``."""
    env = env or {}
    if name in env:
        return env[name]
    if name in _BY_NAME:
        return _BY_NAME[name]
    head, _, tail = name.partition(".")
    if head in env and tail:
        obj = env[head]
    elif head == "np" and tail:
        obj = np
    elif hasattr(builtins, name):
        return getattr(builtins, name)
    else:
        raise IRSyntaxError(f"unknown name {name!r} (pass it in env)")
    for part in tail.split("."):
        obj = getattr(obj, part)
    return obj


class _Parser:
    def __init__(self, text, env, filename):
        self.lines = [ln for ln in text.splitlines() if ln.strip()]
        self.env, self.filename, self.i = env or {}, filename, 0
        self.values = {}

    def fail(self, why):
        raise IRSyntaxError(f"line {self.i + 1}: {why}: {self.lines[self.i].strip()!r}")

    def define(self, name, owner):
        if name in self.values:
            self.fail(f"{name} defined twice")
        hint = name[1:].rsplit(".", 1)[0] if re.search(r"\.\d+$", name) else name[1:]
        v = self.values[name] = Value(hint, owner)
        return v

    def use(self, name):
        if name not in self.values:
            self.fail(f"{name} used before it is defined")
        return self.values[name]

    def func(self) -> Func:
        m = re.match(r"^func (\w+)\((.*)\) \{$", self.lines[0].strip())
        if not m:
            self.fail("expected 'func NAME(%params) {'")
        body = Block()
        for p in _split(m.group(2)):
            body.params.append(self.define(p, body))
        self.i = 1
        self.block(body)
        return Func(m.group(1), list(body.params), body, None, [p.hint for p in body.params])

    def block(self, block):
        while self.i < len(self.lines):
            text = self.lines[self.i].strip()
            if text.startswith("}"):
                return text
            self.op(block, text)

    def op(self, block, text):
        line = _LINE.search(text)
        loc = Loc(self.filename, int(line.group(1))) if line else None
        text = text[:line.start()] if line else text
        m = _OP.match(text)
        if not m:
            self.fail("expected an op")
        op = Op(m.group("kind"), [], [], {}, [], loc)
        rest = self.attrs(op, m.group("rest"))
        opens = rest.endswith(" {")
        args = rest[:-2] if opens else rest
        if args:
            if not (args.startswith("(") and args.endswith(")")):
                self.fail("expected (args)")
            op.args = [self.use(a) for a in _split(args[1:-1])]
        for r in _split(m.group("res") or ""):
            op.results.append(self.define(r, op))
        append_op(block, op)
        self.i += 1
        if opens:
            self.regions(op)

    def attrs(self, op, rest):
        if op.kind == "const":
            value, _, rest = rest.strip().partition(" {")
            op.attrs["value"] = self.constant(value)
            return ""
        if op.kind == "call":
            m = re.match(r"^ (\S+?)(?: kw=(\[[^\]]*\]))?(?=\(|$)", rest)
            if not m:
                self.fail("expected 'call NAME'")
            op.attrs["fn"] = resolve(m.group(1), self.env)
            op.attrs["kw"] = tuple(ast.literal_eval(m.group(2))) if m.group(2) else ()
            return rest[m.end():]
        if op.kind == "dict":
            m = re.match(r"^ keys=(\[.*?\])(?=\()", rest)
            if not m:
                self.fail("expected 'dict keys=[...]'")
            op.attrs["keys"] = list(ast.literal_eval(m.group(1)))
            return rest[m.end():]
        if rest.startswith(" brk"):
            op.attrs["brk"] = True
            return rest[4:]
        return rest

    def constant(self, text):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return resolve(text, self.env)

    def regions(self, op):
        blocks = []
        while True:
            b = Block()
            if self.lines[self.i].strip().startswith("^("):
                inner = self.lines[self.i].strip()[2:-2]
                b.params = [self.define(p, b) for p in _split(inner)]
                self.i += 1
            blocks.append(b)
            closing = self.block(b)
            if closing is None:
                self.fail("unclosed region")
            self.i += 1
            if closing.startswith("} else {") or closing.startswith("} do {"):
                continue
            op.set_regions(*blocks)
            m = _LINE.search(closing)
            if m:
                op.loc = Loc(self.filename, int(m.group(1)))
            return


def _split(text):
    return [p.strip() for p in text.split(",") if p.strip()]


def parse_func(text: str, env=None, filename="<ir>") -> Func:
    """The ``Func`` whose printed form is ``text``."""
    return _Parser(text, env, filename).func()
