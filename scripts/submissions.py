"""This repository's ``appel-a-communs submissions [--root DIR] COMMAND ...`` (see --help)."""

import sys

from appel_a_communs.commands import main

if __name__ == "__main__":
    sys.exit(main(["submissions", *sys.argv[1:]]))
