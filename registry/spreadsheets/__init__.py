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

When the engine is not sure, it asks; it never guesses silently. A column taken from a
part of its title, one of several columns that fit a field, a title that says more than
the field, values that contradict the column's field, a cell read in a legacy encoding
against its font: each is a warning that names the column (or the cell) and what was
decided, said the same way by the preview (where the user changes the decision), the
``import`` command (which takes --map and --encoding) and the error report. A problem
of the whole file is said once for the file, and stops the import. The tests in
tests/imports/test_header_decisions.py and test_import_decisions.py hold it to this.
"""
