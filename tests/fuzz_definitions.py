"""Coverage-guided fuzzing (atheris) of the definitions loader: campaign.yaml and the catalogue, mutated.

    .venv/bin/python tests/fuzz_definitions.py CORPUS_DIR [libFuzzer flags]
    .venv/bin/python tests/fuzz_definitions.py /tmp/fuzz-defs -max_total_time=3600 -timeout=20   # the longer run

The property: whatever the two files hold, ``load_campaign`` returns a
campaign or raises ``DefinitionsError`` (or ``CampaignNotFound``) with
located messages; nothing else escapes, and nothing hangs (``-timeout``) or
grows without bound (``-rss_limit_mb``). An input's first byte picks how it
is used (its remainder by 4): 0, the rest is campaign.yaml beside the
sample's catalogue; 1, the rest is the catalogue beside the sample's
campaign.yaml; 2 and 3, the next two bytes pick a place in the sample's
campaign.yaml (2) or catalogue (3), the fourth how many bytes to drop there,
and the rest is put in their place, so that mutations land inside real keys
and values. An empty CORPUS_DIR is seeded with the sample both ways and with
hostile shapes (an alias bomb, deep nesting). A crash is saved as
``crash-<hash>``; it then belongs in tests/test_definitions.py with its
expected message.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import yaml  # noqa: F401  (instrumented: the YAML reader is part of what is fuzzed)

    from emuxl import resources
    from emuxl.definitions import load_campaign
    from emuxl.errors import CampaignNotFound, DefinitionsError

SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
FOLDER = Path(tempfile.mkdtemp(prefix="emuxl-fuzz-defs-", dir=SCRATCH))
SAMPLE = FOLDER / "sample"
resources.copy_sample("tay-nam-bo-2023", SAMPLE)
CAMPAIGN = (SAMPLE / "campaign.yaml").read_bytes()
CATALOGUE = (SAMPLE / "indicators.yaml").read_bytes()
WORK = FOLDER / "work"
WORK.mkdir()


def files_of(data: bytes) -> tuple[bytes, bytes]:
    """(campaign.yaml, indicators.yaml) for an input (see the module's docstring for the four ways)."""
    if len(data) < 1:
        return CAMPAIGN, CATALOGUE
    way, rest = data[0] % 4, data[1:]
    if way == 0:
        return rest, CATALOGUE
    if way == 1:
        return CAMPAIGN, rest
    base = CAMPAIGN if way == 2 else CATALOGUE
    if len(rest) < 3:
        return (base, CATALOGUE) if way == 2 else (CAMPAIGN, base)
    at = int.from_bytes(rest[:2], "big") * len(base) // 65536
    spliced = base[:at] + rest[3:] + base[at + rest[2] :]
    return (spliced, CATALOGUE) if way == 2 else (CAMPAIGN, spliced)


def test_one_input(data: bytes) -> None:
    """The property under test: a campaign, or located problems; never another exception."""
    campaign, catalogue = files_of(data)
    (WORK / "campaign.yaml").write_bytes(campaign)
    (WORK / "indicators.yaml").write_bytes(catalogue)
    try:
        load_campaign(WORK)
    except DefinitionsError as e:
        assert e.problems and all(p.message for p in e.problems), e.problems
    except CampaignNotFound:
        pass


def seed(corpus: Path) -> None:
    """Put the sample (whole, and one splice per file) and hostile shapes into an empty corpus folder."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    (corpus / "campaign").write_bytes(b"\x00" + CAMPAIGN)
    (corpus / "catalogue").write_bytes(b"\x01" + CATALOGUE)
    (corpus / "splice-campaign").write_bytes(b"\x02\x40\x00\x00")
    (corpus / "splice-catalogue").write_bytes(b"\x03\x40\x00\x00")
    bomb = b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(
        b"%c: &%c [" % (ord(c), ord(c)) + b",".join([b"*" + bytes([ord(c) - 1])] * 9) + b"]\n" for c in "bcdefghi"
    )
    (corpus / "alias-bomb").write_bytes(b"\x01" + bomb)
    (corpus / "deep").write_bytes(b"\x01a: " + b"[" * 60 + b"]" * 60)


def main() -> None:
    corpora = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    for corpus in corpora:
        seed(corpus)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
