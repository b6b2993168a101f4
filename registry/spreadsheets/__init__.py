"""The spreadsheet engine: reading, header matching, text repair, import and export.

reading, headers, legacy_encodings and values never touch the ORM; the import
modules and exporting do, through the same rules the services apply.
"""
