"""The WSGI application of the load run (``bench --load``): the project's own, with the one
difference of the in-process benchmark (``bench.runner.prepare_client_settings``): without a
collected static manifest, the plain static storage (only the URLs of the assets differ).
Beside the package ``devtools.bench``, whose import loads the models before Django is set up."""

from __future__ import annotations

import os
import warnings

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imcase.settings")
# WhiteNoise warns once per worker that STATIC_ROOT is missing; as in the command, irrelevant.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
application = get_wsgi_application()

from devtools.bench.runner import prepare_client_settings  # noqa: E402 - after setup

prepare_client_settings().__enter__()  # for the whole life of the worker
