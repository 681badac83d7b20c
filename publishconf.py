"""Pelican settings for publication: absolute URLs under the site's address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

# Set SITEURL to the address the site is served from (e.g. GitHub Pages).
SITEURL = os.environ.get("SITEURL", "")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True

# The call's public contact address, given by each common's funding.json (fundingjson.org,
# read by funders' directories): the specification requires one, and an actor's address is
# never published. Without it, no funding.json is written (the sample's is fictional).
CATALOGUE_FUNDING_EMAIL = os.environ.get("CATALOGUE_FUNDING_EMAIL", "appel@valbrune.example")
