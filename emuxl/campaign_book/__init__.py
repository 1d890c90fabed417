"""campaign.xlsx: the campaign and its catalogue as one workbook the secretariat fills in Excel (contract).

Sheets «Hướng dẫn» (how to fill it), «Cụm» (a row per key of campaign.yaml
and of indicators.yaml but its sections), «Thành viên» (a row per member),
«Phần» (a row per section), «Tiêu chí» (a row per indicator, with a column per
parameter of the registered methods) and «Phương pháp» (the methods). The
layout comes from the schema and the registry (``layout``), the words from
``labels``, cell contents and notations from ``notation``; ``write`` makes the
workbook and ``read`` turns it back into the data definitions.py validates.
"""

from __future__ import annotations

from .read import BookSource, read_book
from .write import book_bytes

__all__ = ["BookSource", "book_bytes", "read_book"]
