"""Fills in a zyz fill-in workbook as a town would with a spreadsheet program (openpyxl edits the
exported file in place, keeping its hidden sheet, protection and validation).

usage: fill_sheet.py IN.xlsx OUT.xlsx SHEET!CELL=VALUE ...
VALUE: `d:2025-10-01` a date, `n:0.8` a number, anything else text, empty clears the cell.
"""
import datetime
import sys

import openpyxl

src, dst, *edits = sys.argv[1:]
wb = openpyxl.load_workbook(src)
for edit in edits:
    where, value = edit.split("=", 1)
    sheet, cell = where.split("!")
    if value.startswith("d:"):
        value = datetime.datetime.strptime(value[2:], "%Y-%m-%d")
    elif value.startswith("n:"):
        value = float(value[2:])
    elif value == "":
        value = None
    wb[sheet][cell] = value
wb.save(dst)
