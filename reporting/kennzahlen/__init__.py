"""The Kennzahlentabelle: registry (``registry``), definitions per year (``definitions/``),
aggregate queries (``queries*``), line layout (``rows``) and the computed table (``table``)."""
