"""Golden-file comparison of xlsx files, part by part and XML element by element (as XlsxWriter's tests do)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

# What legitimately changes between runs: document dates and the version that wrote the file.
BLANKED = {
    "docProps/core.xml": [r"(<dcterms:(?:created|modified)[^>]*>)[^<]*", r"(<dc:creator>)[^<]*"],
    "docProps/app.xml": [r"(<AppVersion>)[^<]*"],
    "docProps/custom.xml": [r'(name="emuxl_emuxl"[^<]*<vt:lpwstr>)[^<]*'],
    "xl/sharedStrings.xml": [r"(<t>)\d+\.\d+\.\d+[^<]*"],
}


def _elements(name: str, data: bytes, blank: Sequence[str]) -> list[tuple[str, str]]:
    """Each element as text, in document order, with the row or cell (``r``) it is in."""
    text = data.decode("utf-8")
    for pattern in BLANKED.get(name, []):
        text = re.sub(pattern, r"\1", text)
    for pattern in blank:
        text = re.sub(pattern, "(blanked)", text)
    out: list[tuple[str, str]] = []

    def walk(e: ElementTree.Element, where: str) -> None:
        where = e.get("r", where)
        out.append((f"{e.tag} {sorted(e.attrib.items())} {(e.text or '').strip()}", where))
        for child in e:
            walk(child, where)

    walk(ElementTree.fromstring(text), "")
    return out


def assert_same_xlsx(got: Path, expected: Path, blank: Sequence[str] = ()) -> None:
    """Fail with the first differing part and element when two xlsx files differ (``blank``: regexes, any part)."""
    with zipfile.ZipFile(got) as a, zipfile.ZipFile(expected) as b:
        extra, missing = set(a.namelist()) - set(b.namelist()), set(b.namelist()) - set(a.namelist())
        assert not extra and not missing, f"different parts: extra {sorted(extra)}, missing {sorted(missing)}"
        for name in sorted(a.namelist()):
            left, right = a.read(name), b.read(name)
            if not name.endswith((".xml", ".rels")):
                assert left == right, f"{name} differs"
                continue
            got_elements, want_elements = _elements(name, left, blank), _elements(name, right, blank)
            for i, ((g, where), (w, _)) in enumerate(zip(got_elements, want_elements, strict=False)):
                assert g == w, f"{name}, element {i}{f' (in {where})' if where else ''}:\n got      {g}\n expected {w}"
            assert len(got_elements) == len(want_elements), f"{name}: element count differs"
