"""Import and export: the spreadsheet engine, its pages, background jobs and commands.

The top layer of the project and the one part of registry that imports members and
unions (the import contracts in pyproject.toml keep it so). An import runs as a
pipeline, one module a stage: reading (the workbook) → decoding (old fonts' text,
cell by cell: legacy_encodings, syllables) → headers (which column means what) →
tables and rows, member_rows, values (each row parsed) → import_members /
import_references on the base of planning (checked against the register, then
written). importing.run_import drives it; reading,
decoding, headers and values never touch the ORM. Exports: exporting.
The web pages queue jobs (services.py) that a worker runs (tasks.py → jobs.py).
"""
