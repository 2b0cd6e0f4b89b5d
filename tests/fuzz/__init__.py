"""Differential fuzzing of the compiler (GitHub issue 8).

* ``programs`` (with ``expressions``) generates random programs inside the accepted
  subset as source text, each with an instrumented twin that measures branch ties;
* ``harness`` writes one to a file, imports it, and checks its derivatives (reverse
  mode; forward mode and forward against reverse once JVP rules exist) against
  central finite differences; ``minimize`` shrinks a failing program;
* ``test_fuzz`` runs a bounded, derandomized number of programs in the test suite;
  ``tools/fuzz.py`` runs a long one and saves what fails;
* ``test_bad_input`` (constructs outside the subset, odd programs) and
  ``test_bad_runtime_input`` (ints, NaN/inf, shape errors) check that bad input never
  crashes the compiler (helpers in ``support``, fixed programs in ``bad_programs``);
* ``regressions/`` keeps every failure found, as corpus-style cases, known compiler
  bugs as strict xfails (``test_regressions``); ``harness.KNOWN_BUGS`` lists the
  program features the suite leaves out until those bugs are fixed.
"""
