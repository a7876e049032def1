"""Tables as offices keep them: CSV, Excel (.xlsx) and LibreOffice (.ods) files, read row by row.

reader: which kind a file is (by its content, then its name) and its rows · model: a row and
a file's format · csv_text, xlsx, ods: each kind · cells: a spreadsheet's dates, numbers and
truth values as the German text the importers' validators read.
"""
