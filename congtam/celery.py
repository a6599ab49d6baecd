"""The Celery application: background jobs, e-mails and reminders.

Loaded by the ``congtam.jobs`` app when Django starts. Its configuration is the Django settings
whose names start with ``CELERY_`` (the "Background jobs" block of ``congtam/settings.py``);
tasks are found in each app's ``tasks`` module. Run a worker with its scheduler:
``celery -A congtam worker -B``. Without a broker the tasks run inline.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congtam.settings")

app = Celery("congtam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
