"""The importers and starter loaders, by name, for the ``trainer import`` / ``trainer setup`` commands.

Every importer is called as ``importer(session, path, progress=...)`` and every
starter loader as ``loader(session, progress=...)``; both return the number of
rows written (a starter loader returns 0 when its data is already loaded, or when
an official file of the same kind has replaced it).
"""
from __future__ import annotations

from .cpt import load_cpt_file, load_cpt_starter
from .edit_tables import load_table_file, load_table_starter
from .hcpcs import load_hcpcs_file, load_hcpcs_starter
from .modifiers import load_modifier_starter
from .ncci import load_mue_file, load_mue_starter, load_ptp_file, load_ptp_starter
from .pos import load_pos_file, load_pos_starter

IMPORTERS = {
    "hcpcs": load_hcpcs_file,
    "cpt": load_cpt_file,
    "ncci-ptp": load_ptp_file,
    "mue": load_mue_file,
    "pos": load_pos_file,
    "aoc": load_table_file("aoc"),
    "mce": load_table_file("mce"),
    "mpfs": load_table_file("mpfs"),
}

STARTERS = [
    ("HCPCS Level II starter", load_hcpcs_starter),
    ("CPT starter", load_cpt_starter),
    ("Modifiers", load_modifier_starter),
    ("Place of service", load_pos_starter),
    ("NCCI PTP starter", load_ptp_starter),
    ("MUE starter", load_mue_starter),
    ("NCCI add-on code starter", load_table_starter("aoc")),
    ("Medicare Code Editor lists", load_table_starter("mce")),
    ("Fee schedule indicators starter", load_table_starter("mpfs")),
]
