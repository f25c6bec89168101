"""Celery application. Eager (inline) when no broker is configured."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "municipal_order.settings")

app = Celery("municipal_order")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
