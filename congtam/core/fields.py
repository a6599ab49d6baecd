from django.db import models


class SortKeyField(models.CharField):
    """A CharField compared byte by byte on every database.

    Its content is built by :mod:`congtam.vietnamese` to sort in Vietnamese order; PostgreSQL's
    default (locale) collation would ignore its separators, so the column uses the ``C``
    collation there. SQLite compares bytes already.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
