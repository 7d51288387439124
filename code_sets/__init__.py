"""Code-set data shipped with the project, and importers for the official file formats.

Each importer takes a SQLAlchemy session and a file, checks the whole file
first (a bad row is reported with its line number), then loads it in one
transaction: a wrong or corrupt file leaves the database as it was.
"""
