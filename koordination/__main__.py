"""``python -m koordination``: the same as the ``koordination`` command."""

from koordination.cli.main import main

raise SystemExit(main())
