"""Tabular exports: rows of cases, carriers and adoptions (also the site's downloads) and the
adoption matrix as sheets (`rows`), and the CSV and XLSX writers (`files`).

A row is a plain dict keyed by column key; a `Column` gives the Chinese and English heading.
Cells are text or integers; text that a spreadsheet would run as a formula is neutralised.
"""

from ftzkb.export.files import EXCEL_BOM, CsvRows, default_columns, safe_cell, write_csv, write_xlsx
from ftzkb.export.rows import (
    ADOPTION_COLUMNS,
    CARRIER_COLUMNS,
    CASE_COLUMNS,
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    Column,
    Row,
    Sheet,
    adoption_rows,
    carrier_rows,
    case_rows,
    cell_text,
    flow_sheet,
    matrix_sheets,
    matrix_table,
)

__all__ = ["ADOPTION_COLUMNS", "CARRIER_COLUMNS", "CASE_COLUMNS", "EXCEL_BOM", "STATUS_COLOURS", "STATUS_SYMBOLS",
           "Column", "CsvRows", "Row", "Sheet", "adoption_rows", "carrier_rows", "case_rows", "cell_text",
           "default_columns", "flow_sheet", "matrix_sheets", "matrix_table", "safe_cell", "write_csv", "write_xlsx"]
