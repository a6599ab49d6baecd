# The Celery application is loaded with Django, so that tasks started by the web process use it.
from congtam.celery import app as celery_app

__all__ = ["celery_app"]
