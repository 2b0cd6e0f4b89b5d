"""The ``tangentlike`` command line (a click group; commands grow with DESIGN §4)."""
from __future__ import annotations

import click

from . import __version__


@click.group()
@click.version_option(__version__, prog_name="tangentlike")
def main():
    """tangentlike: source-to-source automatic differentiation for Python and NumPy."""
