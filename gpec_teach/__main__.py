"""``python -m gpec_teach``: the ``gpec-teach`` command line."""

from .cli import main

raise SystemExit(main())
