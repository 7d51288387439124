"""Code-set queries: validity on a date, search, tabular notes. No Flask here."""
from .tables import Code, CodeNote, CodeSetRelease, CodeSystem, MueEdit, NcciPtpEdit  # noqa: F401
