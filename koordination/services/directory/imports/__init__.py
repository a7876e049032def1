"""Import of people and organisations from the tables German offices keep (CSV, Excel, LibreOffice).

The file itself is read by services/tables · headers: which column is which field ·
cells: parsing single cells · people, people_writer, organisations: reading, checking and
writing the rows of each · bulk: fast inserts · report: what an import says back ·
service: the two imports as use cases (``core.imports``).
"""
