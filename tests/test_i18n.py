"""Terminal messages in Vietnamese: every marked message translated, the language chosen by --lang or the locale."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from emuxl import i18n
from emuxl.cli import main

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _marked() -> dict[tuple[str, str | None], str]:
    """Every message marked in emuxl's source ((msgid, context) -> where)."""
    found: dict[tuple[str, str | None], str] = {}
    for filename, line, message, _comments, context in extract_from_dir(
        ROOT / "emuxl", keywords=KEYWORDS, comment_tags=()
    ):
        text = message[0] if isinstance(message, tuple) else message
        found.setdefault((text, context), f"{filename}:{line}")
    return found


def _catalogue():
    with i18n.catalogue_path("vi").open("rb") as f:
        return read_po(f, locale="vi")


def test_no_message_is_translated_inside_an_f_string() -> None:
    """``f"{_('x')}"`` is invisible to Babel's extractor: the message would never be translated."""
    found = []
    for path in sorted((ROOT / "emuxl").rglob("*.py")):
        with tokenize.open(path) as f:
            for token in tokenize.generate_tokens(f.readline):
                text = token.string
                if token.type == tokenize.STRING and text[:2].lower() in ('f"', "f'", "rf", "fr") and "_(" in text:
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_marked_message_has_its_vietnamese_translation() -> None:
    """Each message marked _() in the source is in the catalogue, translated, not fuzzy, with the same fields."""
    marked = _marked()
    assert len(marked) > 100  # the extractor found the messages
    catalogue = _catalogue()
    missing, untranslated, fields = [], [], []
    for (msgid, context), where in marked.items():
        entry = catalogue.get(msgid, context=context)
        if entry is None:
            missing.append(f"{where}: {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings) or entry.fuzzy:
            untranslated.append(f"{where}: {msgid!r}")
            continue
        if any(_fields(s) != _fields(msgid) for s in strings):
            fields.append(f"{where}: {msgid!r} -> {strings!r}")
    assert not missing, "not in emuxl.po (run 'make messages', then translate):\n" + "\n".join(missing)
    assert not untranslated, "untranslated or fuzzy in emuxl.po:\n" + "\n".join(untranslated)
    assert not fields, "a translation's {fields} differ from the message's:\n" + "\n".join(fields)


def test_the_catalogue_holds_no_message_the_source_no_longer_has() -> None:
    """Every entry of emuxl.po is still used (stale ones are dropped by 'make messages')."""
    marked = set(_marked())
    stale = [
        m.id for m in _catalogue() if m.id and ((m.id if isinstance(m.id, str) else m.id[0]), m.context) not in marked
    ]
    assert not stale


def test_the_vietnamese_messages_are_vietnamese() -> None:
    """No translation is left in English: each has Vietnamese letters, or is the English kept on purpose (none)."""
    vietnamese = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)
    english = [m.id for m in _catalogue() if m.id and not vietnamese.search(str(m.string))]
    assert not english


def _locale(lang: str) -> dict[str, str | None]:
    """An environment whose locale is ``lang`` (the variables that would take precedence removed)."""
    return {"LANG": lang, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "EMUXL_LANG": None}


def test_lang_vi_gives_vietnamese_and_english_stays_the_default(tmp_path: Path) -> None:
    """`emuxl --lang vi` and a Vietnamese locale speak Vietnamese; without either, English."""
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "c")]).exit_code == 0
    english = runner.invoke(main, ["check", str(tmp_path / "c")], env=_locale("C.UTF-8"))
    assert english.exit_code == 1 and "problems found; fix them and run 'emuxl check' again." in english.output
    vi = runner.invoke(main, ["--lang", "vi", "check", str(tmp_path / "c")])
    assert vi.exit_code == 1
    assert "Lỗi:" in vi.output and "problems found" not in vi.output, vi.output
    by_locale = runner.invoke(main, ["check", str(tmp_path / "c")], env=_locale("vi_VN.UTF-8"))
    assert by_locale.output == vi.output


@pytest.mark.parametrize("value", ["vi_VN.UTF-8", "vi", "Vietnamese_Vietnam.1258"])
def test_a_vietnamese_locale_is_recognised(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """LANG in its Linux and Windows spellings chooses Vietnamese; EMUXL_LANG overrides the locale."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "EMUXL_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", value)
    assert i18n.system_language() == "vi"
    monkeypatch.setenv("EMUXL_LANG", "en")
    assert i18n.system_language() == "en"


def test_vietnamese_output_reaches_a_file_whatever_the_console_encoding(tmp_path: Path) -> None:
    """Output redirected to a file under a non-UTF-8 code page (Windows' cp1252) is written in UTF-8, whole."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "EMUXL_LANG": "vi"}
    subprocess.run([sys.executable, "-m", "emuxl", "init", str(tmp_path / "c")], env=env, check=True)
    done = subprocess.run([sys.executable, "-m", "emuxl", "check", str(tmp_path / "c")], env=env, capture_output=True)
    assert done.returncode == 1
    text = done.stderr.decode("utf-8")
    assert "Lỗi:" in text and "Tên Cụm thi đua" in text


@pytest.mark.parametrize(("langid", "language"), [(0x042A, "vi"), (0x0409, "en"), (0x0809, "en"), (0x040C, "en")])
def test_windows_display_languages(langid: int, language: str) -> None:
    """Windows' display language (GetUserDefaultUILanguage) Vietnamese, 0x042A, chooses Vietnamese; others English."""
    assert i18n.language_of_langid(langid) == language


def test_rank_in_vietnamese_writes_numbers_the_vietnamese_way(demo_2023: Path) -> None:
    """`--lang vi rank`: totals and margins with the decimal comma (vnformat), states and boundaries in Vietnamese."""
    done = CliRunner().invoke(main, ["--lang", "vi", "rank", str(demo_2023)])
    assert done.exit_code == 0, done.output
    first = next(line for line in done.output.splitlines() if line.strip().startswith("1 "))
    assert re.search(r" \d{3},\d\d ", first) and not re.search(r"\d\.\d\d", first), first
    assert "Khoảng cách điểm ở vị trí dẫn đầu: " in done.output and "Margin" not in done.output
