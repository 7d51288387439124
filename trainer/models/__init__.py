"""All tables, imported in one place so Alembic and the app see the same metadata."""
from ..codes.tables import Code, CodeNote, CodeSetRelease, MueEdit, NcciPtpEdit  # noqa: F401
from .accounts import Role, School, User  # noqa: F401
