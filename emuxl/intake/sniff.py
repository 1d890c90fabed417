"""Sniffing a returned file before any parser sees it: what it is, and whether it is safe to open.

Two steps, both inside the isolated worker and before any XML parser:
``sniff_container`` looks at the raw bytes and the zip directory (no
decompression); ``read_parts`` decompresses the XML parts with hard caps and
refuses any DTD or entity declaration.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .issues import Issue, file_issue

# Limits scaled to a real form (20-60 KB zipped, under 1 MB unzipped; a 3,000-row
# commune form stays far below), with a wide margin.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PARTS = 300
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 150 * 1024 * 1024
MAX_RATIO = 150  # uncompressed / compressed, checked for parts over 1 MB
RATIO_CHECK_FROM = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
DTD = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)


@dataclass(frozen=True)
class Container:
    """What sniffing found: the opened zip and whether it holds macros, or the issue that rejects the file."""

    zip: zipfile.ZipFile | None = None
    macros: bool = False
    rejected: Issue | None = None


def _reject(code: str, **kw: str) -> Container:
    return Container(rejected=file_issue(code, **kw))


def _looks_like_text(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in text[:512]:
        return "html-file"
    try:
        sample = head[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if sample and all(ch.isprintable() or ch in "\r\n\t" for ch in sample):
        return "csv-file"
    return None


def sniff_container(data: bytes) -> Container:
    """Classify a file from its bytes and zip directory alone; never decompresses."""
    if not data:
        return _reject("empty-file")
    if len(data) > MAX_FILE_BYTES:
        return _reject("file-too-large", detail=f"{len(data) // 1024 // 1024} MB")
    if data.startswith(OLE_MAGIC):
        encrypted = "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data
        return _reject("encrypted" if encrypted else "legacy-xls")
    if not data.startswith(ZIP_MAGIC):
        return _reject(_looks_like_text(data[:4096]) or "not-a-workbook")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _reject("corrupt-zip")
    names = [i.filename for i in infos]
    if len(infos) > MAX_PARTS:
        return _reject("zip-bomb", detail=f"{len(infos)} parts")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (info.file_size > RATIO_CHECK_FROM and ratio > MAX_RATIO):
            return _reject("zip-bomb", detail=f"{info.filename}: {info.file_size} bytes")
    if total > MAX_TOTAL_BYTES:
        return _reject("zip-bomb", detail=f"{total} bytes in all")
    if "mimetype" in names and zf.read("mimetype")[:100].startswith(b"application/vnd.oasis.opendocument"):
        return _reject("ods-file")
    if any(n.startswith("word/") for n in names):
        return _reject("docx-file")
    if "xl/workbook.bin" in names:
        return _reject("xlsb-file")
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        return _reject("not-a-workbook")
    macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    return Container(zip=zf, macros=macros)


def read_parts(zf: zipfile.ZipFile, wanted: set[str]) -> tuple[dict[str, bytes], Issue | None]:
    """Decompress every XML part of a sniffed zip (sizes capped when sniffed), refusing DTDs anywhere; return the
    wanted parts."""
    out: dict[str, bytes] = {}
    with zf:
        for info in zf.infolist():
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:  # sizes were capped by sniff_container, and zipfile never gives more than a part declares
                body = zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                return {}, file_issue("corrupt-zip", detail=info.filename)
            scan = body.decode("utf-16", "replace").encode() if body[:2] in (b"\xff\xfe", b"\xfe\xff") else body
            if b"!" in scan and b"<!" in scan and DTD.search(scan):  # "!" is rare in XML, "<" is not: found sooner
                return {}, file_issue("dtd-forbidden", detail=info.filename)
            if info.filename == "xl/workbook.xml" and STRICT_NS in scan[:2000]:
                return {}, file_issue("strict-ooxml")
            if info.filename in wanted or info.filename.startswith("xl/worksheets/"):
                out[info.filename] = body
    return out, None
