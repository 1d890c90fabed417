"""Coverage-guided fuzzing (atheris) of intake's sniff + parse + verify path, mutating real emuxl forms.

    .venv/bin/python tests/fuzz_intake.py CORPUS_DIR [libFuzzer flags]
    .venv/bin/python tests/fuzz_intake.py /tmp/fuzz-corpus -max_total_time=3600   # the longer run

The property: whatever the bytes, ``read_and_verify`` returns a reading whose
problems are declared issues; nothing escapes as an exception. An input's
first byte picks how it is used (its remainder by 3): 0, the rest is a whole
file; 1, the second byte picks one part of a real filled form and the rest
replaces that part; 2, the second byte picks a part, the next two where in it
(in proportion), the fifth how many bytes to drop there, and the rest is put
in their place, so that mutations land inside the real sheet, names and
strings, not only in the zip reader. An empty
CORPUS_DIR is seeded with a real form in both ways. A crash is saved as
``crash-<hash>`` (see ``-artifact_prefix``); it then belongs in the test
corpus (``tests/corpus.py``) with its expected verdict.
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from emuxl import resources
    from emuxl.definitions import load_campaign
    from emuxl.demo import plausible_values
    from emuxl.forms import member_form
    from emuxl.intake import read_and_verify
    from emuxl.intake.issues import TYPES

FOLDER = Path(tempfile.mkdtemp(prefix="emuxl-fuzz-")) / "campaign"
resources.copy_sample("tay-nam-bo-2023", FOLDER)
CAMPAIGN = load_campaign(FOLDER)
FORM = member_form(CAMPAIGN, CAMPAIGN.members[0], plausible_values(CAMPAIGN, random.Random(1)))
with zipfile.ZipFile(io.BytesIO(FORM)) as _zf:
    PARTS = [(info.filename, _zf.read(info)) for info in _zf.infolist()]


def with_part(index: int, body: bytes) -> bytes:
    """The real form with one part's bytes replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (name, data) in enumerate(PARTS):
            zf.writestr(name, body if n == index % len(PARTS) else data)
    return buffer.getvalue()


def file_of(data: bytes) -> bytes:
    """The returned file an input stands for (see the module's docstring for the three ways)."""
    if len(data) < 2 or data[0] % 3 == 0:
        return data[1:]
    if data[0] % 3 == 1:
        return with_part(data[1], data[2:])
    if len(data) < 5:
        return with_part(data[1], PARTS[data[1] % len(PARTS)][1])
    body = PARTS[data[1] % len(PARTS)][1]
    at = int.from_bytes(data[2:4], "big") * len(body) // 65536  # where in the part, in proportion
    return with_part(data[1], body[:at] + data[5:] + body[at + data[4] :])  # drop data[4] bytes, put the rest


def test_one_input(data: bytes) -> None:
    """The property under test: a verdict as data, never an exception."""
    reading, _saved = read_and_verify(CAMPAIGN, file_of(data))
    for issue in reading.issues:
        assert issue.code in TYPES and issue.message, issue


def seed(corpus: Path) -> None:
    """Put the real form into an empty corpus folder, whole and part by part."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    (corpus / "whole").write_bytes(b"\x00" + FORM)
    for n, (_name, data) in enumerate(PARTS):
        (corpus / f"part-{n}").write_bytes(b"\x01" + bytes([n]) + data)
        (corpus / f"splice-{n}").write_bytes(b"\x02" + bytes([n]) + b"\x80\x00\x00")


def main() -> None:
    corpora = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    for corpus in corpora:
        seed(corpus)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
