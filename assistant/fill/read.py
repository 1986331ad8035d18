"""Reading a questionnaire: bytes of an .xlsx or a .csv -> its sheets as plain values.

Anything that is not a readable questionnaire is refused with what to do instead; an .xlsx is checked
for its unpacked size and its cell count before openpyxl loads it.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError
from .model import Book, Table

#: Decompressed size an .xlsx may reach: a small upload must not unzip into gigabytes.
_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
#: Most cells a workbook may store (a long questionnaire has tens of thousands).
MAX_CELLS = 500_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")
_IN_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv")


def read_book(data: bytes, name: str) -> Book:
    """Bytes -> sheets; refuses, with what to do instead, anything that is not a readable questionnaire."""
    if not data or not data.strip():
        raise InputError(key="fill.error.empty", name=name)
    suffix = Path(name).suffix.lower()
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARKER in data or suffix in (".xlsx", ".xlsm"):
            raise InputError(key="fill.error.encrypted", name=name)
        raise InputError(key="fill.error.legacy_xls", name=name)
    if suffix not in _IN_SUFFIXES:
        raise InputError(key="fill.error.unsupported", name=name, suffix=suffix or "(-)")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, name)
    if suffix in (".xlsx", ".xlsm"):
        raise InputError(key="fill.error.not_xlsx", name=name)
    return _read_csv(data, name, delimiter="\t" if suffix == ".tsv" else None)


def count_cells(data: bytes) -> int:
    """Cells stored in the worksheets, counted in the XML as it unpacks (no parse, constant memory)."""
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            tail = b""
            with zf.open(info) as f:
                while chunk := f.read(1 << 20):
                    buf = tail + chunk
                    total += buf.count(b"<c ") + buf.count(b"<c>")
                    tail = buf[-3:]
                    total -= tail.count(b"<c ") + tail.count(b"<c>")  # counted again with the next chunk
            total += tail.count(b"<c ") + tail.count(b"<c>")
    return total


def _read_xlsx(data: bytes, name: str) -> Book:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unzipped = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise InputError(key="fill.error.damaged", name=name) from None
    if unzipped > _MAX_UNZIPPED_BYTES:
        raise InputError(key="fill.error.unzipped_too_big", name=name, size=unzipped // 2**20,
                         limit=_MAX_UNZIPPED_BYTES // 2**20)
    cells = count_cells(data)
    if cells > MAX_CELLS:
        # openpyxl holds every cell as a Python object: 7 M cells took minutes and gigabytes
        raise InputError(key="fill.error.too_many_cells", name=name, cells=cells, limit=MAX_CELLS)
    notes: list[str] = []
    # openpyxl warns about features it drops (data validation extensions, slicers...); that is news for the
    # user, not a failure, so the warnings go into the summary instead of stderr.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            wb = load_workbook(io.BytesIO(data), rich_text=False)
        except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, XML errors ...
            raise InputError(key="fill.error.unreadable_xlsx", name=name,
                             detail=f"{exc.__class__.__name__}: {exc}") from None
    for w in caught:
        note = f"openpyxl: {w.message}"
        if note not in notes:
            notes.append(note)
    tables = [_sheet_table(ws) for ws in wb.worksheets]
    return Book("xlsx", tables, wb, notes)


def _sheet_table(ws) -> Table:
    # Read the stored cells directly: iterating rows would create every empty cell up to max_column,
    # which a single formatted column (A:XFD) inflates to millions.
    cells = getattr(ws, "_cells", None)
    if cells is None:  # pragma: no cover - guards a future openpyxl without the private dict
        cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    rows: list[list[Any]] = []
    bold: set[tuple[int, int]] = set()
    for (r, c), cell in cells.items():
        if cell.value is None:
            continue
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        while len(row) < c:
            row.append(None)
        row[c - 1] = cell.value
        if cell.font is not None and cell.font.b:
            bold.add((r - 1, c - 1))
    merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
    return Table(ws.title, rows, merged, bold, ws)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, the encoding it was read in: "utf-16", "utf-8" or "cp932")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding, called in (("utf-8-sig", "utf-8"), ("cp932", "cp932")):
        try:
            return data.decode(encoding), called
        except UnicodeDecodeError:
            continue
    raise InputError(key="fill.error.encoding", name=name)


def _read_csv(data: bytes, name: str, delimiter: str | None = None) -> Book:
    text, encoding = _decode(data, name)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise InputError(key="fill.error.binary_csv", name=name)
    if not text.strip():
        raise InputError(key="fill.error.empty", name=name)
    if delimiter is None:
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError(key="fill.error.bad_csv", name=name, detail=str(exc)) from None
    stem = Path(name).stem or "questions"
    return Book("csv", [Table(stem[:31], rows)], encoding=encoding)

