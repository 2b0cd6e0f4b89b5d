"""The disk cache of generated derivative modules (docs/architecture.md: load and cache), behind the memory cache.

Promise: ``lookup(spec, request_key)`` returns an ``Entry`` whose ``module`` is loaded
from a verified cache file when one exists for the key (nothing is compiled), else
None; ``Entry.store(source, objects, top)`` then writes the entry and loads it.
Nothing that fails verification is executed.

The key (``cachekey``) is computed before compiling, from the tool version and a
hash of this package's sources, the request's options (``Request.key()``: mask,
kinds, mode, wrt order, with_value, optimize, checkpoint, specialisation, back end,
...), and the source and resolved names of the function and of every user function it
calls, transitively: editing a helper changes the key of
every derivative that calls it.

An entry is two files: ``<dir>/tl-<key[:32]>.py``, exactly the generated source
(imported from there, so tracebacks point into it; the name comes from the key alone, never
from a user's string), and ``tl-<key[:32]>.json``,
its record: the key, the tool version, the sha256 of the source, the top-level
function names, where to re-find each object the module expects bound (an op of the
lowered IR of a closure function, checked by fingerprint), and an HMAC-SHA256 of the
record under a per-user secret (``<dir>/.secret``, mode 0600). An entry is executed
only if both files are the user's and writable by no one else, and key, version,
content hash and HMAC all match; the bytes verified are the bytes executed. Anything
else is a miss, rebuilt and overwritten. The content hash catches corruption; the
HMAC catches a planted or edited file. Writes are a temporary file renamed over the
target (``os.replace``), the source before its record, so concurrent processes see
no entry or a whole one. A directory that cannot be made, is not writable, or is
another user's or writable by others turns the disk cache off, with one
``CacheWarning`` per process; generated files then go to a private temporary
directory.
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
import stat
import tempfile
import warnings
from pathlib import Path

from .backend.load import load_module, load_source, write_atomic
from .cachekey import closure, make_key, object_fingerprint, tool_version
from .errors import TangentlikeError
from .ir.nodes import walk_ops

log = logging.getLogger("tangentlike")
ENTRY = re.compile(r"^\w+[-_][0-9a-f]{16,32}\.(py|json)$")


class CacheWarning(UserWarning):
    """The disk cache is off for this process (the reason is in the message)."""


_STATE: dict = {"warned": False, "scratch": None, "disks": {}}


def location() -> Path:
    """``$TANGENTLIKE_CACHE_DIR``, else ``$XDG_CACHE_HOME/tangentlike`` or
    ``~/.cache/tangentlike``."""
    env = os.environ.get("TANGENTLIKE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tangentlike"


def _warn_once(message: str):
    if not _STATE["warned"]:
        _STATE["warned"] = True
        warnings.warn(f"{message}; derivatives are cached in memory only in this "
                      "process", CacheWarning, stacklevel=4)


def scratch_dir() -> Path:
    """A private temporary directory for generated files, removed at exit."""
    if _STATE["scratch"] is None:
        _STATE["scratch"] = Path(tempfile.mkdtemp(prefix="tangentlike-"))
        atexit.register(shutil.rmtree, _STATE["scratch"], True)
    return _STATE["scratch"]


def is_generated(filename) -> bool:
    """Whether ``filename`` is a module tangentlike generated (in the cache or scratch
    directory): a standalone module must not name such paths (they differ by machine)."""
    dirs = [location(), _STATE["scratch"]]
    name = os.path.abspath(str(filename))
    return any(d is not None and name.startswith(os.path.abspath(str(d)) + os.sep)
               for d in dirs)


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


def _uid():
    return os.getuid() if hasattr(os, "getuid") else None  # None: no owners (Windows)


def _prepare(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = path.stat()
    if _uid() is not None and st.st_uid != _uid():
        raise TangentlikeError("it belongs to another user")
    if _uid() is not None and st.st_mode & 0o022:
        raise TangentlikeError("others can write to it; make it private with chmod 700")
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
    if data is None or len(data) != 32 or _uid() is not None and st.st_mode & 0o077:
        raise TangentlikeError(f"{file} is not a private 32-byte file")
    return data


def _read_private(file: Path):
    """(bytes, stat) of a regular file of this user that no one else can write, else
    (None, None)."""
    try:  # non-blocking: opening a FIFO planted here must not wait for a writer
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None, None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        mine = _uid() is None or st.st_uid == _uid() and not st.st_mode & 0o022
        if not mine or not stat.S_ISREG(st.st_mode):
            return None, None
        try:
            return fh.read(), st
        except OSError:
            return None, None


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
        self.objects = {}  # what the module was loaded with (bound names -> objects)

    @property
    def path(self) -> Path:
        return self.disk.path / f"tl-{self.key[:32]}.py"  # from the key only, never a name

    def load(self) -> bool:
        """Load the entry if it exists and verifies; False otherwise."""
        raw, _ = _read_private(self.path.with_suffix(".json"))
        data, _ = _read_private(self.path) if raw is not None else (None, None)
        record, text = _parse(raw), _decode(data)
        if record is None or text is None or not self._valid(record, text):
            if raw is not None:
                log.info("ignoring invalid cache entry %s", self.path)
            return False
        objects = self._rebind(record.get("objects", {}))
        if objects is None:
            return False
        self.source, self.top, self.objects = text, record["top"], objects
        self.module = load_source(text, self.path, objects, self.path.stem)
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
        self.source, self.top, self.objects = source, list(top), dict(objects)
        wanted = self._where(objects) if self.disk is not None and self.key else None
        if wanted is not None:
            record = {"key": self.key, "version": tool_version(), "top": self.top,
                      "sha256": hashlib.sha256(source.encode()).hexdigest(), "objects": wanted}
            record["mac"] = self.disk.mac(record)
            try:  # the source first: a record always describes a complete file
                write_atomic(self.path, source)
                write_atomic(self.path.with_suffix(".json"), json.dumps(record, sort_keys=True))
            except OSError as e:
                disable(f"cannot write to the cache directory {self.disk.path} ({e})")
                self.disk = None
            else:
                self.module = load_source(source, self.path, objects, self.path.stem)
                return self.module
        directory = self.disk.path if self.disk is not None else scratch_dir()
        self.module = load_module(source, objects, "tl", directory)
        return self.module

    def _where(self, objects: dict):
        first = {}
        for obj, pos in _positions(self.funcs or ()):
            first.setdefault(id(obj), pos)
        out = {}
        for name, obj in objects.items():
            if id(obj) not in first:
                log.info("%s is not cached on disk: cannot re-find %s", self.name, name)
                return None
            out[name] = [first[id(obj)], object_fingerprint(obj)]
        return out


_MISSING = object()


def _decode(data):
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def _parse(raw):
    try:
        record = json.loads(raw) if raw else None
    except (ValueError, RecursionError):  # RecursionError: a deeply nested planted record
        return None
    return record if isinstance(record, dict) else None


def lookup(spec, request_key: str, funcs=_MISSING) -> Entry:
    """The entry for ``spec`` compiled for the request whose ``key()`` is
    ``request_key``; ``entry.module`` is set on a hit. ``funcs`` is
    ``cachekey.closure(spec)`` when the caller has it (None: not cacheable)."""
    d = disk()
    if funcs is _MISSING:
        funcs = closure(spec) if d is not None else None
    if funcs is None or d is None:
        return Entry(spec.name, disk_=d)
    try:
        entry = Entry(spec.name, make_key(funcs, request_key), funcs, d)
        entry.load()
    except Exception as e:  # noqa: BLE001 - a cache problem must never stop a compile
        log.warning("disk cache lookup for %s failed (%s: %s)", spec.name, type(e).__name__, e)
        return Entry(spec.name, disk_=d)
    return entry


# -- inspection (``tangentlike cache``) ----------------------------------------------


def files(path: Path | None = None) -> list:
    """The generated files in the cache directory (entries, their records, modules)."""
    path = path or location()
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if ENTRY.match(p.name) and p.is_file())


def entries(path: Path | None = None) -> list:
    """The cache entries (sources with a record)."""
    return [p for p in files(path) if p.suffix == ".json"]


def clear(path: Path | None = None) -> int:
    """Remove every generated file (entries, loaded modules, leftovers); their number."""
    path = path or location()
    doomed = files(path)
    if path.is_dir():
        doomed += [p for p in path.iterdir() if p.name.startswith(".tl-") and p.is_file()]
    for p in doomed:
        p.unlink(missing_ok=True)
    return len(doomed)
