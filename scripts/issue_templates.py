"""Write .github/ISSUE_TEMPLATE/*.yml from the form definitions; --check fails when stale."""

import argparse
import sys
from pathlib import Path

from appel_a_communs.submissions.issue_forms import sync_issue_forms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument(
        "--locale",
        default="fr",
        help="language of the forms: the site's (DEFAULT_LANG), whose forms prefill them",
    )
    args = parser.parse_args()
    stale = sync_issue_forms(args.root, args.check, args.locale)
    if args.check and stale:
        print("Out of date (run python scripts/issue_templates.py):", *stale, sep="\n  ")
        return 1
    print("\n".join(f"{'stale' if args.check else 'written'}: {p}" for p in stale) or "up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
