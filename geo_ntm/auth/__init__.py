"""Who may change the data, and the record of who did: API tokens with roles, the audit trail,
and idempotency keys of submissions. Everything is kept in the status store's SQLite file.
"""
