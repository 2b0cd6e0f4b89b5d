"""Differential fuzzing of the compiler (GitHub issue 8).

``programs`` generates random programs inside the accepted subset as source
text; ``harness`` writes one to a file, imports it, and checks its derivatives
against central finite differences; ``test_fuzz`` runs a bounded number of
programs in the test suite, ``tools/fuzz.py`` a long run. ``test_bad_input``
checks that code outside the subset, odd code and odd inputs never crash the
compiler. ``regressions/`` keeps every failure found, as corpus-style cases.
"""
