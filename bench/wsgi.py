import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()

# As delaktig.config.wsgi: the screening word lists are built before the server answers.
from delaktig.screening.harmful import lexicon  # noqa: E402

lexicon()
