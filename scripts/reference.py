"""This repository's ``docs/reference.md``: ``appel-a-communs reference`` (see --help);
``--check`` compares instead of writing."""

import sys
from pathlib import Path

from appel_a_communs.commands import main

if __name__ == "__main__":
    output = str(Path(__file__).resolve().parent.parent / "docs" / "reference.md")
    sys.exit(main(["reference", "--output", output, *sys.argv[1:]]))
