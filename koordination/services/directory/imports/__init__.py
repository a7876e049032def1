"""CSV import of people and organisations, as German offices save them from Excel or LibreOffice.

reading: the file (encoding, delimiter, records) · headers: which column is which field ·
cells: parsing single cells · people, people_writer, organisations: reading, checking and
writing the rows of each · bulk: fast inserts · report: what an import says back ·
service: the two imports as use cases (``core.imports``).
"""
