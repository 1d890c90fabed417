"""The terminal's language: English by default, Vietnamese with ``--lang vi`` or a Vietnamese locale.

Messages are marked with ``_()`` in cli.py and translated with gettext from
``emuxl/locale/<lang>/LC_MESSAGES/emuxl.po``, read with Babel's PO reader (no
compiled catalogue to keep in step). ``make i18n`` refreshes the catalogue from
the source; a test checks that every marked message has its Vietnamese text.
"""

from __future__ import annotations

import gettext
import io
import locale
import os
from functools import cache
from pathlib import Path

DOMAIN = "emuxl"
LOCALES = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "vi")

_current: gettext.NullTranslations = gettext.NullTranslations()


def catalogue_path(lang: str) -> Path:
    """Where a language's messages are kept."""
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations of one language (English: the messages as written)."""
    path = catalogue_path(lang)
    if lang == "en" or not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def system_language() -> str:
    """«vi» when the user's locale is Vietnamese (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, or Windows' setting)."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(key, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:
        name = ""
    return "vi" if name.lower().startswith(("vi", "vietnamese")) else "en"


def use(lang: str | None) -> str:
    """Speak ``lang`` (or the system's language) from now on; return the language chosen."""
    global _current
    chosen = lang if lang in LANGUAGES else system_language()
    _current = translations(chosen)
    return chosen


def _(message: str) -> str:
    """A terminal message in the language in use."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A message with a count, in the language in use."""
    return _current.ngettext(singular, plural, n)
