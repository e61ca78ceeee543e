"""Assessment across the units of a run: 雷同 between units (``similarity``) and a 考评 scorecard (``scorecard``).

Core-level library code: it reads ``Report``s and ``Finding``s and returns plain dataclasses and rows that
the batch's review page and workbook show; it never prints or writes.
"""
