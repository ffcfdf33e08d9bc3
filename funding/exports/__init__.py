"""The files funding writes, one module each (all XLSX through ``imcase.exports.xlsx``):

- ``allocation``: the split of a year, the office's overview (sheets ``Verteilung`` and
  ``Berechnung``) and one municipality's allocation sheet (``Zuteilung``);
- ``usage``: the Gesamtverwendungsnachweis of the Kreis (its compilation and its workbook);
- ``population``: a programme split by Einwohnerzahl (sheets ``Verteilung`` and ``Programm``);
- ``background``: the allocation files as background exports.

The PDF letter of the allocation sheet is ``funding.pdf``; its steps, shared by the page, the
letter and the workbook, are ``funding.sheet``.
"""

# Registers the background exports (``imcase.exports`` discovery imports ``<app>.exports``).
from funding.exports import background  # noqa: F401
