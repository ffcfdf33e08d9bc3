"""Forms of the funding procedure, one module per step. They only parse input; the rules live
in ``funding.services``. Amounts accept German input (1.508.000,00 or 1508000).

- ``common``: the hidden version (optimistic locking) and the German amount and date fields
- ``years``: the funding year and its deductions (office)
- ``lists``: striking a person and adding a child (municipality)
- ``publication``: publishing the split (office)
- ``decisions``: who runs IM from 1 January (municipality)
- ``population``: programmes split by Einwohnerzahl and their applicants (office)
- ``usage``: the Verwendungsnachweis (provider) and reopening it (office)
"""
