"""What the theme's templates are given beside the view: gettext and the format filters."""

from __future__ import annotations

from functools import partial
from typing import Any

from jinja2 import Template, pass_context
from markupsafe import Markup

from appel_a_communs.i18n import translate, translations
from appel_a_communs.site.formatting import (
    format_day,
    format_money,
    format_number,
    format_percent,
    plural_count,
)
from appel_a_communs.site.markup import render_markdown
from appel_a_communs.site.xmltext import xml_chars
from appel_a_communs.vocabulary.labels import label


def filters(locale: str) -> dict[str, Any]:
    """Formatting in the call's locale; Markdown sanitised (nh3) before it is marked safe;
    ``message`` translates a message the core computed (an ``i18n.Message``, such as why
    an eligibility criterion is met) into the call's language."""
    return {
        "money": _money_filter(locale),
        "number": partial(format_number, locale=locale),
        "percent": partial(format_percent, locale=locale),
        "day": partial(format_day, locale=locale),
        "markdown": _markdown,
        "plural_count": plural_count,
        "label": partial(label, locale=locale),
        "message": partial(translate, catalogue=translations(locale)),
    }


def _money_filter(locale: str):
    @pass_context
    def money(context: Any, amount: Any, cents: bool = True, currency: str | None = None) -> str:
        code = currency or context.get("CATALOGUE_CURRENCY") or "EUR"
        return format_money(amount, code, locale, cents=cents)

    return money


def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text))


class SafeTemplate(Template):
    """A template whose output holds no character that an HTML or XML document may not
    (``xmltext.xml_chars``), whatever a setting, a page or a field gave it: the pages,
    the widgets and the SVG badges. Autoescaping cannot do it (it escapes markup, not
    controls), and filtering each ``{{ }}`` would cost a call per value; a page is
    scanned once (about 0.1 s for the 1 800 pages of a call of 500 commons, some 1 % of
    its build), and comes back unchanged when it has none."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return xml_chars(super().render(*args, **kwargs))


def safe_output(env: Any) -> None:
    """Every template the environment loads from now on renders through ``SafeTemplate``
    (Pelican makes one environment per generator: see ``plugin.translate_templates``)."""
    env.template_class = SafeTemplate


def install_translations(env: Any, locale: str) -> None:
    """The environment's templates speak the call's language."""
    # Whitespace inside {% trans %} blocks is collapsed, as the extractor does.
    env.policies["ext.i18n.trimmed"] = True
    translated = translations(locale)
    env.install_gettext_translations(translated, newstyle=True)
    env.globals.update(gettext_functions(translated))


def gettext_functions(translated: Any) -> dict[str, Any]:
    """Jinja's newstyle gettext functions, made cheaper: a message without values is
    translated and marked safe once per build (a page repeats the same labels thousands
    of times), and ``_`` is the function itself rather than an alias that looks
    ``gettext`` up again on every call."""
    constants: dict[tuple[str | None, str], Markup] = {}

    def finish(context: Any, text: str, values: dict[str, Any]) -> str:
        # Always %-formatted, as Jinja's newstyle gettext does; values escaped if autoescaping.
        return (Markup(text) if context.eval_ctx.autoescape else text) % values

    def constant(message_context: str | None, message: str) -> Markup:
        hit = constants.get((message_context, message))
        if hit is None:
            text = (
                translated.pgettext(message_context, message)
                if message_context is not None
                else translated.gettext(message)
            )
            hit = constants[(message_context, message)] = Markup(text) % {}
        return hit

    @pass_context
    def gettext(context: Any, message: str, /, **values: Any) -> str:
        if values or not context.eval_ctx.autoescape:
            return finish(context, translated.gettext(message), values)
        return constant(None, message)

    @pass_context
    def pgettext(context: Any, message_context: str, message: str, /, **values: Any) -> str:
        if values or not context.eval_ctx.autoescape:
            return finish(context, translated.pgettext(message_context, message), values)
        return constant(message_context, message)

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, num: int, /, **values: Any) -> str:
        values.setdefault("num", num)
        return finish(context, translated.ngettext(singular, plural, num), values)

    @pass_context
    def npgettext(
        context: Any, message_context: str, singular: str, plural: str, num: int, /, **values: Any
    ) -> str:
        values.setdefault("num", num)
        text = translated.npgettext(message_context, singular, plural, num)
        return finish(context, text, values)

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext, "ngettext": ngettext,
            "npgettext": npgettext}  # fmt: skip
