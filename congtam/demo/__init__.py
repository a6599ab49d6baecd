"""The demo: a realistic agency (the National Assembly Office) generated from a seed, with a login
per role, a year of monitoring in progress and its year end, loaded by ``congtam demo``.

It builds on the domain apps (organisation, catalogues, monitoring, year end) through their imports
and services; none of them depends on it. No models, so no migrations.
"""
