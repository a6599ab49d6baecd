from django.apps import AppConfig


class WhatIfConfig(AppConfig):
    name = "congtam.whatif"
    verbose_name = "What-if (thử nghiệm chính sách)"
