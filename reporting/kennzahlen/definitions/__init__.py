"""One module per version of the Kennzahlentabelle; each registers its ``Definition``.

Every module in this package is imported when a definition is looked up, so next year's
changed table is one new file here (``v2027.py`` with ``first_year=2027``).
"""
