"""Coverage of the union (issue 5): figures, rollups, lists and the periodic report.

figures.py holds the definitions and is what every screen, export and command calls.
"""
