"""`field__prefix=value`: a prefix match that uses a plain B-tree index on every supported database.

SQLite's LIKE only uses an index on NOCASE columns, so there it is written as a byte-order range
(`col >= 'abc' AND col < 'abd'`), exact under SQLite's BINARY collation. PostgreSQL's collations are not
byte order, so there it stays `LIKE 'abc%'`, which the `varchar_pattern_ops` index Django creates for
indexed CharFields serves.
"""

from django.db.models import Lookup


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
