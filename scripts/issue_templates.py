"""This repository's ``appel-a-communs issue-templates`` (see --help)."""

import sys
from pathlib import Path

from appel_a_communs.commands import main

if __name__ == "__main__":
    root = str(Path(__file__).resolve().parent.parent)
    sys.exit(main(["issue-templates", "--root", root, *sys.argv[1:]]))
