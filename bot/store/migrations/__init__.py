"""Alembic migrations: applied by Store.open and by `trtc-chatops db upgrade`."""
