"""The saved file: one-cell array formulas marked as dynamic arrays (as Excel 365 saves them), written atomically."""

from __future__ import annotations

import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from trups_xl.atomic import write_atomically
from trups_xl.workbook.layout import DEFAULT_PATH
from trups_xl.workbook.model import build

#: The cell metadata Excel 365 writes for dynamic-array formulas (ECMA-376 metadata part with the
#: XLDAPR extension, [MS-XLSX] 2.6.143): an anchor cell carrying ``cm="1"`` spills.
DYNAMIC_ARRAY_METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" '
    'coerce="1" cellMeta="1"/></metadataTypes><futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/>'
    '</ext></extLst></bk></futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
    '</metadata>')
METADATA_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
METADATA_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"


def dynamic_anchors(wb: Workbook) -> dict[int, list[str]]:
    """Sheet position (1-based, openpyxl's part order) -> cells holding one-cell array formulas."""
    found: dict[int, list[str]] = {}
    for i, ws in enumerate(wb.worksheets, start=1):
        cells = [anchor for anchor, ref in ws.array_formulae.items() if ":" not in ref]
        if cells:
            found[i] = cells
    return found


def mark_dynamic_arrays(source: Path, target: Path, anchors: dict[int, list[str]]) -> None:
    """Copy the package ``source`` to ``target`` with the given one-cell array formulas marked as
    dynamic arrays, as Excel 365 saves them (openpyxl has no notion of them)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/metadata.xml" '
                                    f'ContentType="{METADATA_CONTENT_TYPE}"/></Types>'.encode())
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdTrupsMeta" '
                                    f'Type="{METADATA_RELATIONSHIP}" Target="metadata.xml"/></Relationships>'.encode())
            else:
                match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
                for cell in anchors.get(int(match.group(1)), []) if match else []:
                    data, count = re.subn(f'<c r="{cell}"'.encode(), f'<c r="{cell}" cm="1"'.encode(), data)
                    if count != 1:
                        raise RuntimeError(f"cell {cell} not found once in {item.filename}")
            zout.writestr(item, data)
        zout.writestr("xl/metadata.xml", DYNAMIC_ARRAY_METADATA)


def save(path: Path = DEFAULT_PATH) -> Path:
    """Write the workbook (atomically: a partial file never replaces a good one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = build()

    def write(target: Path) -> None:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".trups-xl-") as tmp:
            plain = Path(tmp) / "plain.xlsx"
            wb.save(plain)
            mark_dynamic_arrays(plain, target, dynamic_anchors(wb))

    write_atomically(path, write)
    return path


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    """``python -m trups_xl.workbook [PATH]``."""
    args = sys.argv[1:] if argv is None else argv
    out(f"wrote {save(Path(args[0]) if args else DEFAULT_PATH)}")
    return 0
