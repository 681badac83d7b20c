"""Entry point: ``python scripts/submissions.py [--root DIR] COMMAND ...`` (see --help)."""

import sys

from appel_a_communs.submissions.cli import main

if __name__ == "__main__":
    sys.exit(main())
