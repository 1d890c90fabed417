"""Golden-file comparison of xlsx files, part by part and XML element by element (as XlsxWriter's tests do)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

# What legitimately changes between runs: document dates and the version that wrote the file.
BLANKED = {
    "docProps/core.xml": [r"(<dcterms:(?:created|modified)[^>]*>)[^<]*", r"(<dc:creator>)[^<]*"],
    "docProps/app.xml": [r"(<AppVersion>)[^<]*"],
    "docProps/custom.xml": [r'(name="emuxl_emuxl"[^<]*<vt:lpwstr>)[^<]*'],
    "xl/sharedStrings.xml": [r"(<t>)\d+\.\d+\.\d+[^<]*"],
}


def _elements(name: str, data: bytes) -> list[str]:
    text = data.decode("utf-8")
    for pattern in BLANKED.get(name, []):
        text = re.sub(pattern, r"\1", text)
    root = ElementTree.fromstring(text)
    return [f"{e.tag} {sorted(e.attrib.items())} {(e.text or '').strip()}" for e in root.iter()]


def assert_same_xlsx(got: Path, expected: Path) -> None:
    """Fail with the first differing part and element when two xlsx files differ."""
    with zipfile.ZipFile(got) as a, zipfile.ZipFile(expected) as b:
        assert sorted(a.namelist()) == sorted(b.namelist()), "different parts"
        for name in sorted(a.namelist()):
            left, right = a.read(name), b.read(name)
            if not name.endswith((".xml", ".rels")):
                assert left == right, f"{name} differs"
                continue
            got_elements, want_elements = _elements(name, left), _elements(name, right)
            for i, (g, w) in enumerate(zip(got_elements, want_elements, strict=False)):
                assert g == w, f"{name}, element {i}:\n got      {g}\n expected {w}"
            assert len(got_elements) == len(want_elements), f"{name}: element count differs"
