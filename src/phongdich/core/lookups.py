"""`field__prefix=value`: a prefix match that uses a plain B-tree index on every supported database.

SQLite's LIKE only uses an index on NOCASE columns, so there it is written as a byte-order range
(`col >= 'abc' AND col < 'abd'`), exact under SQLite's BINARY collation. PostgreSQL's collations are not
byte order, so there it stays `LIKE 'abc%'`, which the `varchar_pattern_ops` index Django creates for
indexed CharFields serves.
"""

from django.db.models import Lookup
from django.db.models.lookups import In


class Prefix(Lookup):
    lookup_name = "prefix"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"
        return f"({lhs} >= %s AND {lhs} < %s)", (*lhs_params, prefix, upper)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        escaped = str(self.rhs).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{lhs} LIKE %s", (*lhs_params, escaped + "%")


class InWithoutIndex(In):
    """`field__in_scan=subquery`: an IN test SQLite must not use the field's index for.

    SQLite cannot estimate how many rows an IN (subquery) yields; for a province-wide scope it then drives
    the query from the unit index and sorts a million rows, where scanning the list's own ordered index and
    checking each row is a thousand times cheaper. The unary + is SQLite's documented way to say so;
    other databases plan from statistics and get the plain IN.
    """

    lookup_name = "in_scan"

    def as_sqlite(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        return "+" + sql, params
