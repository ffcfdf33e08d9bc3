"""Developer and demo tooling beside the domain apps: the demo Kreis (``devtools.demo``,
``manage.py seed_demo``) and the benchmark (``devtools.bench``, ``manage.py bench``).

It may import every app; no app imports it, so the product runs without it.
"""
