"""Keep the translation catalogues in step with the templates and the code.

python scripts/translations.py                 # update locale/*/messages.po
python scripts/translations.py --add fr x.json # and take translations from x.json
python scripts/translations.py --check         # fail if any catalogue is out of step
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from appel_a_communs.i18n import available_languages, check_po, update_po

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    parser.add_argument("--add", nargs=2, action="append", default=[],
                        metavar=("LANGUAGE", "JSON"), help="translations to take")  # fmt: skip
    args = parser.parse_args(argv)
    languages = sorted({*available_languages(), *(language for language, _ in args.add)})
    if args.check:
        problems = [p for language in languages for p in check_po(ROOT, language)]
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    status = 0
    for language in languages:
        additions: dict = {}
        for lang, path in args.add:
            if lang == language:
                additions.update(json.loads(Path(path).read_text(encoding="utf-8")))
        for key in update_po(ROOT, language, additions):
            print(f"{language}: no such message: {key!r}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
