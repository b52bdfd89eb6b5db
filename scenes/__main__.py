"""``python -m scenes``: see :mod:`scenes.cli`."""

from scenes.cli import main

raise SystemExit(main())
