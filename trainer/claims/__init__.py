"""Claims (no Flask): the professional claim (CMS-1500 / 837P), its validation and X12."""
