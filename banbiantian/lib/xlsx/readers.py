"""Reading the spreadsheets users keep: .xlsx (openpyxl, read-only), .xls (xlrd) and .csv (UTF-8 or GBK).

Every reader yields `(row_number, [cell, ...])` with the row numbers a user sees in Excel
(1-based), so a report can send her to the exact line. Anything that is not a readable
spreadsheet raises `FileError` with a Chinese message; nothing is written before that.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")


class FileError(ValueError):
    """The whole file is refused (not a spreadsheet, encrypted, empty, no header, formulas …)."""


def extension(filename: str) -> str:
    name = (filename or "").lower()
    return next((ext for ext in EXTENSIONS if name.endswith(ext)), "")


def check_file(fh, filename: str) -> str:
    """The file's kind ('xlsx', 'xls', 'csv') from its name and first bytes, or FileError."""
    ext = extension(filename)
    if not ext:
        raise FileError(_("“%(f)s”不是电子表格：请上传 .xlsx、.xls 或 .csv 文件。") % {"f": filename})
    fh.seek(0)
    head = fh.read(8)
    fh.seek(0)
    if not head:
        raise FileError(_("文件“%(f)s”是空的。") % {"f": filename})
    if head.startswith(OLE_MAGIC):
        # An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream.
        data = fh.read()
        fh.seek(0)
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise FileError(_("“%(f)s”设置了打开密码（已加密），系统无法读取：请在Excel中取消密码后另存再上传。")
                            % {"f": filename})
        if ext == ".csv":
            raise FileError(_("“%(f)s”不是CSV文本文件。") % {"f": filename})
        return "xls"
    if head.startswith(ZIP_MAGIC):
        if ext == ".csv":
            raise FileError(_("“%(f)s”不是CSV文本文件，看起来是Excel文件：请把扩展名改为 .xlsx。") % {"f": filename})
        return "xlsx"
    if ext in (".xlsx", ".xlsm", ".xls"):
        raise FileError(_("“%(f)s”不是有效的Excel文件（文件已损坏或并非电子表格）。") % {"f": filename})
    return "csv"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GBK/GB18030 as WPS and older Excel save it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("CSV文件的编码无法识别：请另存为“CSV UTF-8”或GBK编码。"))


class Sheet:
    """An uploaded file, read row by row: its worksheets by index (0, the first, unless told) and by name."""

    def __init__(self, fh, filename: str):
        self.filename = filename
        self.kind = check_file(fh, filename)
        self._fh = fh
        self._formulas = None
        self._calamine = {}
        self._names = None

    def rows(self, index: int = 0) -> Iterator[tuple[int, list]]:
        return getattr(self, f"_rows_{self.kind}")(index)

    def sheet_names(self) -> list[str]:
        """Every worksheet's name in the workbook's order, chart sheets left out (a .csv file has one sheet,
        named ""); `rows(index)` reads the index-th of them."""
        if self._names is None:
            if self.kind == "csv":
                self._names = [""]
            elif self.kind == "xls":
                self._names = self._xls_book().sheet_names()
            else:
                from python_calamine import SheetTypeEnum

                self._names = [m.name for m in self._calamine_book().sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        return self._names

    def close(self):
        book = getattr(self, "_book", None)
        if book is not None and hasattr(book, "close"):
            book.close()

    def estimate_rows(self, index: int = 0) -> int:
        if self.kind == "xlsx" and not self.has_formulas():
            return self._calamine_sheet(index).total_height
        last = 0
        for number, _cells in self.rows(index):
            last = number
        return last

    def has_formulas(self) -> bool:
        """Whether any worksheet holds a formula (<f> element): a quick scan of the compressed XML."""
        if self._formulas is None:
            self._fh.seek(0)
            try:
                with zipfile.ZipFile(self._fh) as archive:
                    self._formulas = any(_xml_has_formula(archive, name) for name in archive.namelist()
                                         if name.startswith("xl/worksheets/") and name.endswith(".xml"))
            except zipfile.BadZipFile:
                raise FileError(_("“%(f)s”不是有效的Excel文件（文件已损坏或并非电子表格）。") % {"f": self.filename}
                                ) from None
        return self._formulas

    def _calamine_book(self):
        if "book" not in self._calamine:
            from python_calamine import CalamineWorkbook

            self._fh.seek(0)
            try:
                book = CalamineWorkbook.from_filelike(self._fh)
            except Exception as exc:  # calamine's errors (zip, XML, password) share no public base class
                raise FileError(_("“%(f)s”无法作为Excel文件打开（%(e)s）。") % {
                    "f": self.filename, "e": type(exc).__name__}) from None
            if not book.sheet_names:
                raise FileError(_("工作簿中没有工作表。"))
            self._calamine["book"] = book
        return self._calamine["book"]

    def _calamine_sheet(self, index: int = 0):
        if index not in self._calamine:
            book = self._calamine_book()
            if index >= len(self.sheet_names()):
                raise FileError(_("工作簿中没有工作表。"))
            try:
                self._calamine[index] = book.get_sheet_by_name(self.sheet_names()[index])
            except Exception as exc:
                raise FileError(_("“%(f)s”无法作为Excel文件打开（%(e)s）。") % {
                    "f": self.filename, "e": type(exc).__name__}) from None
        return self._calamine[index]

    def _rows_xlsx(self, index: int = 0):
        # Without formulas the sheet is read by calamine (Rust), about ten times faster than openpyxl;
        # a sheet with formulas goes through openpyxl, which tells a formula from its cached value.
        if not self.has_formulas():
            # iter_rows starts at the sheet's first row (blank leading rows included), so numbers match Excel's.
            for number, row in enumerate(self._calamine_sheet(index).iter_rows(), start=1):
                yield number, [None if c == "" else c for c in row]
            return
        yield from self._rows_openpyxl(index)

    def _rows_openpyxl(self, index: int = 0):
        import openpyxl

        self._fh.seek(0)
        try:
            # read_only streams the sheet; formulas come back as their text ("=SUM(...)") so we can refuse them.
            book = openpyxl.load_workbook(self._fh, read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise FileError(_("“%(f)s”无法作为Excel文件打开（%(e)s）。") % {"f": self.filename, "e": type(exc).__name__}
                            ) from None
        self._book = book
        if not book.worksheets:
            raise FileError(_("工作簿中没有工作表。"))
        sheet = book[self.sheet_names()[index]] if self._names else book.worksheets[index]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            values = []
            for cell in row:
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" and value is not None:
                    value = Formula(str(value), ref=getattr(cell, "coordinate", ""))
                values.append(value)
            yield number, values

    def _xls_book(self):
        import xlrd

        self._fh.seek(0)
        try:
            return xlrd.open_workbook(file_contents=self._fh.read(), on_demand=True)
        except xlrd.XLRDError as exc:
            if "encrypt" in str(exc).lower():
                raise FileError(_("“%(f)s”设置了打开密码（已加密），系统无法读取：请在Excel中取消密码后另存再上传。")
                                % {"f": self.filename}) from None
            raise FileError(_("“%(f)s”无法作为Excel 97-2003 (.xls)文件打开。") % {"f": self.filename}) from None
        except Exception:
            raise FileError(_("“%(f)s”无法作为Excel 97-2003 (.xls)文件打开。") % {"f": self.filename}) from None

    def _rows_xls(self, index: int = 0):
        import xlrd

        book = self._xls_book()
        self._book = None
        if book.nsheets == 0:
            raise FileError(_("工作簿中没有工作表。"))
        formulas = xls_formula_cells(book, index)
        sheet = book.sheet_by_index(index)
        for r in range(sheet.nrows):
            values = []
            for c, cell in enumerate(sheet.row(r)):
                if (r, c) in formulas:
                    # xlrd gives only the cached result; the formula's text is not decoded.
                    shown = _("=…（计算结果为%(v)s）") % {"v": cell.value} if cell.value not in ("", None) else "=…"
                    values.append(Formula(shown, ref=xlrd.cellname(r, c)))
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except Exception:
                        values.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    values.append(None)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    values.append(None)
                else:
                    values.append(cell.value)
            yield r + 1, values
        book.release_resources()

    def _rows_csv(self, index: int = 0):
        self._fh.seek(0)
        text = decode_text(self._fh.read())
        if "\x00" in text:
            raise FileError(_("“%(f)s”不是CSV文本文件。") % {"f": self.filename})
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            yield number, [cell if cell.strip() else None for cell in row]


def _xml_has_formula(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            data = tail + chunk
            if b"<f>" in data or b"<f " in data or b"<x:f" in data:
                return True
            tail = data[-8:]
    return False


class Formula(str):
    """A cell holding a formula: imports refuse them (the value shown is not in the file). `ref` is the
    cell's address as Excel shows it (C5)."""

    ref = ""

    def __new__(cls, text: str, ref: str = ""):
        formula = super().__new__(cls, text)
        formula.ref = ref
        return formula


# BIFF8 record types of a worksheet substream that hold formulas (FORMULA; shared and array formulas
# are attached to a FORMULA record, so that one is enough to find every formula cell); EOF ends it.
_BIFF_FORMULA, _BIFF_BOF, _BIFF_EOF = 0x0006, 0x0809, 0x000A


def xls_formula_cells(book, index: int) -> set[tuple[int, int]]:
    """(row, column), 0-based, of every formula cell in the book's `index`-th worksheet.

    xlrd reads a FORMULA record's cached result as the cell's value and drops the formula; the records
    themselves are still in the workbook stream xlrd keeps (`mem`) from the sheet's BOF (`_sh_abs_posn`),
    so they are walked here: each record is type (2 bytes), length (2 bytes), data; a FORMULA record's
    data starts with the row and the column (2 bytes each)."""
    import struct

    mem, positions = getattr(book, "mem", None), getattr(book, "_sh_abs_posn", None)
    if not mem or not positions or index >= len(positions):
        return set()
    found = set()
    pos, end, depth = positions[index], len(mem), 0
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", mem, pos)
        if kind == _BIFF_FORMULA and length >= 4 and depth == 1:
            found.add(struct.unpack_from("<HH", mem, pos + 4))
        elif kind == _BIFF_BOF:
            depth += 1  # the sheet's own BOF, or an embedded chart's substream
        elif kind == _BIFF_EOF:
            depth -= 1
            if depth <= 0:
                break
        pos += 4 + length
    return found


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None
