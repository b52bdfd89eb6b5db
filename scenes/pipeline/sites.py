"""A film's source apart from its words: what lets editing one block's words re-render only its units.

A beat's words sit in its source, as the first argument of each
``narrate(...)`` (or the question of a ``checkpoint(...)``) call: the
*sites*. :func:`read_sites` parses a Python file and gives

* ``masked``: a digest of the file with every site's first argument (the
  words, or the checkpoint's name) replaced by a placeholder, taken from its
  syntax tree, so comments and line breaks do not count either: it changes
  when the code changes (the other arguments too), not when words do;
* ``sites``: each site's span of lines and the digest of its words, in the
  order they appear.

A unit of a beat (:mod:`scenes.pipeline.units`) is keyed by the masked
digests of every source and by the digests of its own blocks' sites (the
worker records which line started each block,
:class:`scenes.pipeline.ranges.Section`). A site inside a loop speaks in
every block it starts; words that are not written at their site (a constant
defined elsewhere, a value computed by :mod:`neuron`) are code, and changing
them changes every unit's key. That is never wrong, only slower.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from pathlib import Path

from scenes.files import sha256_file

__all__ = ["STARTERS", "Site", "Sites", "read_sites"]

#: The film's methods whose call starts a narrated block (see ``scenes.base.LectureScene``).
STARTERS = ("narrate", "checkpoint")


@dataclass(frozen=True)
class Site:
    """A call that starts a block: its lines (first and last) and the digest of its words (first argument)."""

    first: int
    last: int
    digest: str


@dataclass(frozen=True)
class Sites:
    """A source file's digest without its words (``masked``) and its sites in order."""

    masked: str
    sites: tuple[Site, ...] = ()

    def at(self, line: int) -> int | None:
        """The number of the innermost site spanning ``line`` (``None``: no site there)."""
        spanning = [(s.last - s.first, n) for n, s in enumerate(self.sites) if s.first <= line <= s.last]
        return min(spanning)[1] if spanning else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Mask(ast.NodeTransformer):
    """Replace the words of every starter call by a placeholder, keeping each one's digest."""

    def __init__(self) -> None:
        self.sites: list[Site] = []

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in STARTERS and node.args:
            self.sites.append(Site(node.lineno, node.end_lineno or node.lineno, _digest(ast.dump(node.args[0]))))
            node.args = [ast.Constant("<words>"), *node.args[1:]]
        return node


def read_sites(path: Path) -> Sites:
    """The masked digest and the sites of ``path``.

    A file that is not Python (or does not parse) has no sites, and its
    masked digest is its content's sha256.
    """
    if path.suffix != ".py":
        return Sites(sha256_file(path))
    source = path.read_bytes()
    try:
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError):
        return Sites(hashlib.sha256(source).hexdigest())
    mask = _Mask()
    masked = mask.visit(tree)
    order = sorted(range(len(mask.sites)), key=lambda n: (mask.sites[n].first, n))
    return Sites(_digest(ast.dump(masked)), tuple(mask.sites[n] for n in order))
