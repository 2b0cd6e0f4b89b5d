"""Every user-style program (tests/users/*.py) in every mode of tests/users/check.py
against finite differences."""
import pytest

from . import check, programs

CASES = [(fn, args, wrt, mode) for fn, args, wrt, second in programs.ALL
         for mode in check.MODES if second or mode in ("reverse", "forward")]


@pytest.mark.parametrize("fn, args, wrt, mode", CASES,
                         ids=[f"{c[0].__name__}-wrt{c[2]}-{c[3]}" for c in CASES])
def test_program(fn, args, wrt, mode):
    check.check(fn, args, wrt, mode)
