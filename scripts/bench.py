"""Entry point: ``python scripts/bench.py [--sizes 100:1000 …] [--repeat 3]`` (see --help)."""

import sys

from appel_a_communs.bench import main

if __name__ == "__main__":
    sys.exit(main())
