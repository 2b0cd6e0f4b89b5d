"""The disk cache of generated derivative modules (DESIGN §1.5), behind the memory cache.

Promise: ``lookup(spec, options)`` returns an ``Entry`` whose ``module`` is loaded
from a verified cache file when one exists for the key (nothing is compiled), else
None; ``Entry.store(source, objects, top)`` then writes the entry and loads it.
Nothing that fails verification is executed.

The key (sha256) is computed before compiling, from: the tool (version plus a hash
of this package's source files, so an edited compiler never reuses old output), the
options (mask, kinds, mode, wrt-single, with_value, optimize) and, for the function
and every user function it calls, transitively (``closure``): its file, line, source
lines, and a fingerprint of what its names resolved to (constants that the code may
inline, callees, the rules registered for them outside this package). Editing a
helper therefore changes the key of every derivative that calls it.

An entry is one file ``<dir>/<name>-<key[:32]>.py``: the line
``# tangentlike-cache {json}`` and then the generated source (tracebacks point into
it). The JSON record holds the key, the tool version, the sha256 of the source, the
top-level function names, where to re-find each object the module expects bound
(an op of the lowered IR of a closure function, checked by fingerprint), and an
HMAC-SHA256 of the record under a per-user secret (``<dir>/.secret``, mode 0600).
An entry is executed only if the file is the user's, writable by no one else, and
key, version, content hash and HMAC all match; anything else is a miss, rebuilt and
overwritten. The content hash catches corruption; the HMAC catches a planted or
edited file. Writes are a temporary file renamed over the entry (``os.replace``), so
concurrent processes see no entry or a whole one. A directory that cannot be made,
is not writable or not private turns the disk cache off, with one ``CacheWarning``
per process; generated files then go to a private temporary directory.
"""
from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from . import __version__
from .backend.exprs import is_literal
from .backend.load import load_module, load_source, write_atomic
from .errors import TangentlikeError
from .frontend.lower_expr import LocalFunc, is_user_function
from .ir.nodes import walk_ops
from .rules import registry
from .transforms.unit import lower_cached, spec_for

log = logging.getLogger("tangentlike")
MAGIC = "# tangentlike-cache "
ENTRY = re.compile(r"^[A-Za-z0-9_]+[-_][0-9a-f]{16,32}\.py$")


class CacheWarning(UserWarning):
    """The disk cache is off for this process (the reason is in the message)."""


_STATE: dict = {"warned": False, "tool": None, "scratch": None, "disks": {}}


def location() -> Path:
    """``$TANGENTLIKE_CACHE_DIR``, else ``$XDG_CACHE_HOME/tangentlike`` or
    ``~/.cache/tangentlike``."""
    env = os.environ.get("TANGENTLIKE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tangentlike"


def tool_version() -> str:
    """``<version>+<hash of the package's source files>``."""
    if _STATE["tool"] is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for p in sorted(root.rglob("*.py")):
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
        _STATE["tool"] = f"{__version__}+{h.hexdigest()[:12]}"
    return _STATE["tool"]


def _warn_once(message: str):
    if not _STATE["warned"]:
        _STATE["warned"] = True
        warnings.warn(f"tangentlike: {message}; derivatives are cached in memory only in this "
                      "process", CacheWarning, stacklevel=4)


def scratch_dir() -> Path:
    """A private temporary directory for generated files, removed at exit."""
    if _STATE["scratch"] is None:
        _STATE["scratch"] = Path(tempfile.mkdtemp(prefix="tangentlike-"))
        atexit.register(shutil.rmtree, _STATE["scratch"], True)
    return _STATE["scratch"]


class Disk:
    """A usable cache directory and its secret."""

    def __init__(self, path: Path):
        self.path = path
        self.secret = _secret(path)

    def mac(self, record: dict) -> str:
        body = json.dumps({k: v for k, v in record.items() if k != "mac"}, sort_keys=True)
        return hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()


def disk() -> Disk | None:
    """The cache directory when it is usable, else None (after one warning)."""
    path = location()
    if path in _STATE["disks"]:
        return _STATE["disks"][path]
    try:
        d = Disk(_prepare(path))
    except (OSError, TangentlikeError) as e:
        _warn_once(f"cannot use the cache directory {path} ({e})")
        d = None
    _STATE["disks"][path] = d
    return d


def disable(reason: str):
    _STATE["disks"][location()] = None
    _warn_once(reason)


def reset():
    """Forget directory decisions and the warning (for tests)."""
    _STATE["disks"].clear()
    _STATE["warned"] = False


def _prepare(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = path.stat()
    if st.st_uid != os.getuid():
        raise TangentlikeError("it belongs to another user")
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)
    if not os.access(path, os.W_OK | os.X_OK):
        raise TangentlikeError("it is not writable")
    return path


def _secret(path: Path) -> bytes:
    file = path / ".secret"
    if not file.exists():
        fd, tmp = tempfile.mkstemp(dir=path, prefix=".tl-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        try:
            os.link(tmp, file)  # never replaces a secret another process made first
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    data, st = _read_private(file)
    if data is None or len(data) != 32 or st.st_mode & 0o077:
        raise TangentlikeError(f"{file} is not a private 32-byte file")
    return data


def _read_private(file: Path):
    """(bytes, stat) of a regular file of this user that no one else can write, else
    (None, None)."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None, None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if st.st_uid != os.getuid() or st.st_mode & 0o022 or not (st.st_mode & 0o170000
                                                                  == 0o100000):
            return None, None
        return fh.read(), st


# -- the key -------------------------------------------------------------------


def closure(spec) -> list | None:
    """``[(spec, lowered Func)]``: ``spec`` and the user functions it calls,
    transitively, depth first; None when a callee cannot be read (not cacheable)."""
    out, seen, todo = [], set(), [spec]
    while todo:
        s = todo.pop()
        if (s.key, s.hash) in seen:
            continue
        seen.add((s.key, s.hash))
        try:
            func = lower_cached(s)
            callees = [spec_for(op.attrs["fn"]) for op in walk_ops(func.body)
                       if op.kind == "call" and is_user_function(op.attrs["fn"])]
        except Exception:  # noqa: BLE001 - the compile reports it, or never needs it
            if s is spec:
                raise
            return None
        out.append((s, func))
        todo.extend(reversed(callees))
    return out


def source_digest(spec) -> str:
    node = spec.node
    first = spec.line0 + node.lineno
    last = spec.line0 + (getattr(node, "end_lineno", None) or node.lineno)
    import linecache
    text = "".join(linecache.getline(spec.filename, n) for n in range(first, last + 1))
    return hashlib.sha256(text.encode()).hexdigest()


def object_fingerprint(v) -> str:
    """What of ``v`` the generated code can depend on (not its identity)."""
    if isinstance(v, LocalFunc):
        return "local:" + v.spec.qualname
    if isinstance(v, np.ndarray):
        return f"ndarray:{v.dtype.str}:{v.shape}"
    if is_literal(v):
        return f"{type(v).__name__}:{v!r}"
    if type(v).__name__ == "module":
        return "module:" + v.__name__
    if callable(v):
        name = getattr(v, "__qualname__", None) or getattr(v, "__name__", "")
        fp = f"{type(v).__name__}:{getattr(v, '__module__', '')}.{name}"
        return fp + _rule_fingerprint(v) + (":nondiff" if registry.is_nondiff(v) else "")
    return f"object:{type(v).__module__}.{type(v).__qualname__}"


def _rule_fingerprint(fn) -> str:
    try:
        rule = registry.lookup(fn)
    except TypeError:
        return ""
    if rule is None:
        return ""
    out = []
    for r in [rule.vjp, *rule.jvps.values()]:
        if r is not None and not (getattr(r, "__module__", "") or "").startswith("tangentlike"):
            out.append(source_digest(spec_for(r))[:16])
    return ":rule" + ",".join(out)


def _function_fingerprint(spec, func) -> list:
    objs = []
    for op in walk_ops(func.body):
        if op.kind == "const":
            objs.append(object_fingerprint(op.attrs["value"]))
        elif op.kind == "call":
            objs.append(object_fingerprint(op.attrs["fn"]) + str(op.attrs.get("kw", "")))
    return [spec.qualname, spec.filename, spec.line0, spec.col0, spec.hash,
            source_digest(spec), hashlib.sha256("\n".join(objs).encode()).hexdigest()]


def make_key(funcs, options: dict) -> str:
    record = {"tool": tool_version(), "options": options,
              "funcs": [_function_fingerprint(s, f) for s, f in funcs]}
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


# -- entries ---------------------------------------------------------------------


def _positions(funcs):
    """Every object of the closure's IR with its position ``[function, op, field]``."""
    for fi, (_, func) in enumerate(funcs):
        for oi, op in enumerate(walk_ops(func.body)):
            if op.kind == "const":
                yield op.attrs["value"], [fi, oi, "value"]
            elif op.kind == "call":
                yield op.attrs["fn"], [fi, oi, "fn"]


class Entry:
    """One derivative module: found on disk (``module`` set) or to be stored."""

    def __init__(self, name, key=None, funcs=None, disk_=None):
        self.name, self.key, self.funcs, self.disk = name, key, funcs, disk_
        self.module = self.source = self.top = None

    @property
    def path(self) -> Path:
        return self.disk.path / f"{self.name}-{self.key[:32]}.py"

    def load(self) -> bool:
        data, _ = _read_private(self.path)
        record, text = _parse(data)
        if record is None or not self._valid(record, text):
            if data is not None:
                log.info("ignoring invalid cache entry %s", self.path)
            return False
        objects = self._rebind(record.get("objects", {}))
        if objects is None:
            return False
        self.source, self.top = text, record["top"]
        self.module = load_source(data.decode(), self.path, objects, self.path.stem)
        return True

    def _valid(self, record, text) -> bool:
        try:
            return (record.get("key") == self.key and record.get("version") == tool_version()
                    and record.get("sha256") == hashlib.sha256(text.encode()).hexdigest()
                    and hmac.compare_digest(str(record.get("mac")), self.disk.mac(record))
                    and isinstance(record.get("top"), list) and bool(record["top"])
                    and all(isinstance(t, str) for t in record["top"]))
        except (TypeError, ValueError, AttributeError):
            return False

    def _rebind(self, wanted: dict):
        found = {}
        places = {json.dumps(pos): obj for obj, pos in _positions(self.funcs)}
        for name, (pos, fp) in wanted.items():
            obj = places.get(json.dumps(pos), _MISSING)
            if obj is _MISSING or object_fingerprint(obj) != fp:
                return None
            found[name] = obj
        return found

    def store(self, source: str, objects: dict, top: list):
        """Write the entry when it can be re-bound later, and load the module."""
        self.source, self.top = source, list(top)
        wanted = self._where(objects) if self.disk is not None else None
        if wanted is not None:
            record = {"key": self.key, "version": tool_version(), "top": self.top,
                      "sha256": hashlib.sha256(source.encode()).hexdigest(), "objects": wanted}
            record["mac"] = self.disk.mac(record)
            text = MAGIC + json.dumps(record, sort_keys=True) + "\n" + source
            try:
                write_atomic(self.path, text)
            except OSError as e:
                disable(f"cannot write to the cache directory {self.disk.path} ({e})")
                self.disk = None
            else:
                self.module = load_source(text, self.path, objects, self.path.stem)
                return self.module
        directory = self.disk.path if self.disk is not None else scratch_dir()
        self.module = load_module(source, objects, self.name, directory)
        return self.module

    def _where(self, objects: dict):
        first = {}
        for obj, pos in _positions(self.funcs or ()):
            first.setdefault(id(obj), pos)
        out = {}
        for name, obj in objects.items():
            if id(obj) not in first:
                log.info("%s is not cached on disk: cannot re-find %s", self.name,
                         name)
                return None
            out[name] = [first[id(obj)], object_fingerprint(obj)]
        return out


_MISSING = object()


def _parse(data):
    if not data:
        return None, None
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None, None
    head, sep, body = text.partition("\n")
    if not sep or not head.startswith(MAGIC):
        return None, None
    try:
        record = json.loads(head[len(MAGIC):])
    except ValueError:
        return None, None
    return (record, body) if isinstance(record, dict) else (None, None)


def lookup(spec, options: dict) -> Entry:
    """The entry for ``spec`` with ``options``; ``entry.module`` is set on a hit."""
    d = disk()
    funcs = closure(spec) if d is not None else None
    if funcs is None:
        return Entry(spec.name, disk_=d)
    entry = Entry(spec.name, make_key(funcs, options), funcs, d)
    entry.load()
    return entry


# -- inspection (``tangentlike cache``) ----------------------------------------------


def entries(path: Path | None = None) -> list:
    path = path or location()
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if ENTRY.match(p.name) and p.is_file())


def clear(path: Path | None = None) -> int:
    """Remove every generated file (entries, loaded modules, leftovers); their number."""
    path = path or location()
    doomed = entries(path)
    if path.is_dir():
        doomed += [p for p in path.iterdir() if p.name.startswith(".tl-") and p.is_file()]
    for p in doomed:
        p.unlink(missing_ok=True)
    return len(doomed)
