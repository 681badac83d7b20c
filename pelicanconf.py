"""Pelican settings for the sample call (development: relative URLs)."""

from pathlib import Path

from pelican.plugins import appel_a_communs

HERE = Path(__file__).parent

AUTHOR = "Appel à communs"
SITENAME = "Communs des mobilités du quotidien"
SITESUBTITLE = "Appel à communs, éditions 2025 et 2026-2027"
SITEURL = ""

PATH = "content"
OUTPUT_PATH = "output"
THEME = appel_a_communs.THEME  # the theme installed with the tool
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"

PLUGINS = ["pelican.plugins.appel_a_communs"]

# The catalogue lives in challenges/, commons/, actors/, pledges/ and rounds/ (or
# campaign.yml for a call of one round);
# ordinary pages in pages/. There are no blog articles.
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"

DIRECT_TEMPLATES = ["index"]
ARCHIVES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

RELATIVE_URLS = True
DEFAULT_PAGINATION = False

# The plugin's settings (see plugins/pelican/plugins/appel_a_communs/settings.py).
# DEFAULT_LANG sets the interface language and the formats of amounts and dates
# ("en" builds the site in English); CATALOGUE_LOCALE may refine the formats ("fr_CA").
# Forms open the repository's prefilled GitHub issue forms ("github"), or post to a form
# backend ("post", with CATALOGUE_FORMS_ENDPOINT). Set the repository of your call here.
# While a sealed round is open, the pledge form posts to CATALOGUE_FORMS_ENDPOINT in the
# "github" mode too: a public issue would publish the amount (README, "Running a call").
CATALOGUE_FORMS_MODE = "github"
CATALOGUE_GITHUB_REPO = "appel-a-communs/mobilites-du-quotidien"
