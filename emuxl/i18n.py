"""The language of the terminal messages: English, or Vietnamese (``--lang vi``, ``EMUXL_LANG`` or the locale).

Messages are marked with ``_("… {name} …")`` and formatted after translation,
so Babel's extractor finds them (``make messages``). The Vietnamese catalogue
is ``emuxl/locale/vi/LC_MESSAGES/emuxl.po``: it is compiled in memory with
Babel the first time Vietnamese is chosen, so there is no binary file to
keep in step. What goes to a province (forms, feedback, issue texts) is
Vietnamese whatever the terminal's language.
"""

from __future__ import annotations

import gettext
import io
import locale
import os
import sys
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "emuxl"
LANGUAGES = ("en", "vi")
ENV_VARIABLE = "EMUXL_LANG"

_active: gettext.NullTranslations | None = None  # None: not chosen yet, the system's language on first use


def _(message: str) -> str:
    """The message in the chosen language (English as written when no translation is chosen or found)."""
    return _chosen().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n`` in the chosen language."""
    return _chosen().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message in the chosen language, where the same English means another thing elsewhere (``context``)."""
    return _chosen().pgettext(context, message)


def N_(message: str) -> str:
    """Mark a message for translation where it is defined (a constant); ``_()`` translates it where it is used."""
    return message


def language() -> str:
    """The language messages are given in now: ``en`` or ``vi``."""
    return "en" if isinstance(_chosen(), _English) else "vi"


class _English(gettext.NullTranslations):
    """The messages as written."""


def _chosen() -> gettext.NullTranslations:
    if _active is None:
        use_language()
    assert _active is not None
    return _active


def catalogue_path(language: str) -> Path:
    """The translation catalogue (.po) of a language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalogue_path(language).open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def system_language() -> str:
    """``vi`` when EMUXL_LANG, the locale variables, Windows' display language or the system's locale say
    Vietnamese, else ``en``."""
    for name in (ENV_VARIABLE, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    if sys.platform == "win32":
        import ctypes  # the display language, which the locale (the Region format) need not follow

        return language_of_langid(ctypes.windll.kernel32.GetUserDefaultUILanguage())
    try:
        name = locale.getlocale(locale.LC_CTYPE)[0] or ""
    except ValueError:
        name = ""
    return "vi" if name.lower().startswith("vi") else "en"


def language_of_langid(langid: int) -> str:
    """The language of a Windows language identifier: ``vi`` for Vietnamese (primary language 0x2A), else ``en``."""
    return "vi" if langid & 0x3FF == 0x2A else "en"


def use_language(language: str | None = None) -> str:
    """Choose the language of the messages (default: ``system_language()``); the language chosen."""
    global _active
    chosen = language or system_language()
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language {chosen!r}: one of {', '.join(LANGUAGES)}")
    _active = _translations(chosen) if chosen != "en" else _English()
    return chosen
