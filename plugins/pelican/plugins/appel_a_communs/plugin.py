"""Signal wiring: the plugin's settings checked once, the templates' environment, the
page reader, the catalogue generator. Every policy lives in the ``appel_a_communs`` core."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from pelican import signals

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.i18n import (
    DEFAULT_LOCALE,
    available_languages,
    language_of,
    locale_tags,
    translations,
)
from appel_a_communs.site.build import end_build

from .generator import CatalogueGenerator
from .reader import add_reader
from .settings import CATALOGUE_FOLDERS, read_settings
from .templating import filters, install_translations, safe_output

logger = logging.getLogger(__name__)


def configure(pelican: Any) -> None:
    """Check the settings once, and apply the safety rules that no setting may turn off."""
    settings = pelican.settings
    checked = read_settings(settings)  # the locale resolved and checked, the cache decided
    settings.update(checked.as_settings())
    settings["CATALOGUE_SETTINGS"] = checked
    locale = checked.locale
    _REPORT_FILTER.locale = locale  # content errors in the site's language
    settings["CATALOGUE_HTML_LANG"], settings["CATALOGUE_OG_LOCALE"] = locale_tags(locale)
    language = language_of(locale)
    if language != "en" and language not in available_languages():
        logger.warning(
            "No translation catalogue for %r: the interface is in English, amounts and dates "
            "in %r (add appel_a_communs/locale/%s/LC_MESSAGES/messages.po).",
            language,
            locale,
            language,
        )
    _configure_jinja(settings)
    # Pages are Markdown read by FrontMatterReader: no reader may take metadata such as
    # save_as or template from HTML <meta> tags or reST fields.
    settings["READERS"] = {**settings.get("READERS", {}), "html": None, "htm": None, "rst": None}
    # The catalogue folders are read by the core only.
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        settings[key] = [*settings.get(key, []), *CATALOGUE_FOLDERS]
    _skip_odd_files(settings)
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **filters(locale)}


def _skip_odd_files(settings: dict[str, Any]) -> None:
    """Pelican reads pages/ and news/ and copies images/ itself, following every link
    (a loop 40 levels deep) and reading hidden files: it skips the hidden names, but
    ``.well-known``, as the catalogue's folders do, and every link the catalogue refuses
    (``odd_files``), which the build then names with every other content error. Skipped
    links stop the build, so skipping a refused file's name wherever it occurs loses
    nothing."""
    import glob

    from appel_a_communs.content.folders import odd_files

    content = Path(settings["PATH"])
    hidden: set[str] = set()
    errors = odd_files(content, hidden) if content.is_dir() else []
    # by name, not ".*": a site's .well-known/ (loader.PUBLIC_HIDDEN) is published
    ignored = [*settings.get("IGNORE_FILES", []), *map(glob.escape, sorted(hidden))]
    folders = []
    for error in errors:
        path = Path(error.path)
        if path.is_symlink():
            folders.append(path.relative_to(content).as_posix())
            ignored.append(glob.escape(path.name))
    settings["IGNORE_FILES"] = ignored
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        settings[key] = [*settings.get(key, []), *folders]


def _configure_jinja(settings: dict[str, Any]) -> None:
    """Autoescape for the whole theme, whatever the site sets; interface strings through
    gettext; compiled templates kept under CACHE_PATH (keyed by their source, so never
    stale): compiling the theme is most of a small call's build."""
    environment = settings.get("JINJA_ENVIRONMENT", {})
    extensions = [*environment.get("extensions", [])]
    if "jinja2.ext.i18n" not in extensions:
        extensions.append("jinja2.ext.i18n")
    settings["JINJA_ENVIRONMENT"] = {**environment, "autoescape": True, "extensions": extensions}
    if "bytecode_cache" not in environment:
        from jinja2.bccache import FileSystemBytecodeCache

        folder = Path(settings["CACHE_PATH"]) / "catalogue" / f"templates-{_options_key(settings)}"
        folder.mkdir(parents=True, exist_ok=True)
        settings["JINJA_ENVIRONMENT"]["bytecode_cache"] = FileSystemBytecodeCache(str(folder))


def _options_key(settings: dict[str, Any]) -> str:
    """Compiled templates depend on the environment's options (trim_blocks, extensions…)
    and Jinja's version as well as on their source: each set gets its own folder."""
    import hashlib

    import jinja2

    options = {k: v for k, v in settings["JINJA_ENVIRONMENT"].items() if k != "bytecode_cache"}
    text = repr((jinja2.__version__, sorted((k, repr(v)) for k, v in options.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def translate_templates(generator: Any) -> None:
    """Every generator's templates speak the call's language (Pelican's, ours), and
    write no character a document may not hold (``templating.safe_output``)."""
    env = getattr(generator, "env", None)
    if env is not None and hasattr(env, "install_gettext_translations"):
        install_translations(env, generator.settings["CATALOGUE_LOCALE"])
        safe_output(env)


class _ReportContentErrors(logging.Filter):
    """Pelican logs a failed build with a traceback in a narrow column; content errors
    are for people: print them one per line, unwrapped, in the site's language (``locale``,
    set when the build starts), and log a one-line summary."""

    locale = DEFAULT_LOCALE

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ContentErrors):
            catalogue = translations(self.locale)
            sys.stderr.write(f"{error.text(catalogue)}\n")
            sys.stderr.flush()
            count = len(error.errors)
            record.msg = catalogue.ngettext(
                "The build stopped: %(num)d content error, listed above.",
                "The build stopped: %(num)d content errors, listed above.",
                count,
            ) % {"num": count}
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


_REPORT_FILTER = _ReportContentErrors()


def get_generators(pelican: Any) -> type[CatalogueGenerator]:
    return CatalogueGenerator


def finalized(pelican: Any) -> None:
    end_build()


def register() -> None:
    logging.getLogger("pelican").addFilter(_REPORT_FILTER)
    signals.finalized.connect(finalized)
    signals.initialized.connect(configure)
    signals.generator_init.connect(translate_templates)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(get_generators)
