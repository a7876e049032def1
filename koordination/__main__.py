"""``python -m koordination``: the same as the ``koordination`` command."""

from koordination.cli import main

raise SystemExit(main())
