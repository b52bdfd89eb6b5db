"""``python -m scenes``: the pipeline's command line, see :mod:`scenes.pipeline.cli`."""

from scenes.pipeline.cli import main

raise SystemExit(main())
