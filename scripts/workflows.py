"""Write this repository's workflows and Dependabot file from the tool's templates, as a
new site gets them, but installing the tool from this checkout (see tests/test_workflows.py)."""

import sys
from pathlib import Path

from appel_a_communs.scaffold import repository_files

if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    for name, text in repository_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
        print("written:", name)
    sys.exit(0)
