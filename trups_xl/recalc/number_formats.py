"""Excel's number formats as the recalculation reads them: the codes of the built-in format ids (a
``numFmtId`` below 164 that ``xl/styles.xml`` does not define) and whether a format shows a date.

Both are what openpyxl (``openpyxl.styles.numbers``) holds and does, written here so that the
command does not import openpyxl (a tenth of a second and more than 10 MB) only for them.
"""

from __future__ import annotations

import re

#: The format code of each built-in number format id (ECMA-376 Part 1, 18.8.30 numFmt).
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}

#: What a date test ignores: a literal in quotes, and anything in square brackets (a colour, a
#: locale) but an elapsed-time code (``[h]``, ``[mm]``, ``[ss]``).
_IGNORED = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
#: A date or time code letter that is not escaped (``\d``) or a padding's character (``_d``).
_DATE_CODE = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def is_date_format(code: str | None) -> bool:
    """Whether a number format shows a date or a time: its first section (the one for positive
    numbers) holds a date or time code outside quotes and brackets."""
    if code is None:
        return False
    return _DATE_CODE.search(_IGNORED.sub("", code.split(";")[0])) is not None


__all__ = ["BUILTIN_FORMATS", "is_date_format"]
