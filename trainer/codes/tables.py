"""Code-set tables: one row per code per period of validity.

Every code row carries its system, code, descriptions, billable/header flag and
an effective-from / effective-to date, so "is this code valid on the date of
service?" is a single indexed query.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base


class CodeSystem:
    ICD10CM = "ICD10CM"
    ICD10PCS = "ICD10PCS"
    CPT = "CPT"
    HCPCS = "HCPCS"
    MODIFIER = "MODIFIER"
    POS = "POS"

    ALL = (ICD10CM, ICD10PCS, CPT, HCPCS, MODIFIER, POS)
    LABELS = {
        ICD10CM: "ICD-10-CM",
        ICD10PCS: "ICD-10-PCS",
        CPT: "CPT",
        HCPCS: "HCPCS Level II",
        MODIFIER: "Modifier",
        POS: "Place of service",
    }

    @classmethod
    def parse(cls, value: str) -> str:
        """Accept the usual spellings ('icd-10-cm', 'icd10cm', 'cm', 'pcs', 'hcpcs')."""
        key = "".join(ch for ch in (value or "").upper() if ch.isalnum())
        aliases = {"CM": cls.ICD10CM, "ICD10": cls.ICD10CM, "PCS": cls.ICD10PCS, "MOD": cls.MODIFIER,
                   "MODIFIERS": cls.MODIFIER, "PLACEOFSERVICE": cls.POS, "HCPCSII": cls.HCPCS,
                   "HCPCSLEVELII": cls.HCPCS, "ICD10CM": cls.ICD10CM, "ICD10PCS": cls.ICD10PCS}
        key = aliases.get(key, key)
        if key not in cls.ALL:
            raise ValueError(f"unknown code system {value!r}; use one of: {', '.join(s.lower() for s in cls.ALL)}")
        return key


class Code(Base):
    __tablename__ = "code"
    __table_args__ = (
        UniqueConstraint("system", "code", "effective_from"),
        Index("ix_code_lookup", "system", "code", "effective_from"),
        Index("ix_code_code", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(12))  # normalised: upper case, no dot
    display: Mapped[str] = mapped_column(String(14))  # as printed (ICD-10-CM with its dot)
    description: Mapped[str] = mapped_column(Text)
    short_description: Mapped[str | None] = mapped_column(String(200))
    billable: Mapped[bool] = mapped_column(Boolean)
    level: Mapped[str] = mapped_column(String(12), default="code")  # chapter/block/category/subcategory/code
    parent: Mapped[str | None] = mapped_column(String(12))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    release: Mapped[str] = mapped_column(String(80))
    details: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    notes: Mapped[list[CodeNote]] = relationship(
        back_populates="code_row", order_by="CodeNote.position", cascade="all, delete-orphan"
    )

    def valid_on(self, when: dt.date) -> bool:
        return self.billable and self.effective_from <= when and (self.effective_to is None or when <= self.effective_to)


class CodeNote(Base):
    """A tabular note (Excludes1, Code first, inclusion term, 7th-character table...)."""

    __tablename__ = "code_note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    code_row: Mapped[Code] = relationship(back_populates="notes")


class CodeSetRelease(Base):
    """One loaded release of one code set or edit table; makes loading idempotent."""

    __tablename__ = "code_set_release"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    row_count: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class NcciPtpEdit(Base):
    """NCCI procedure-to-procedure edit: column 2 is not paid with column 1 on one day."""

    __tablename__ = "ncci_ptp_edit"
    __table_args__ = (Index("ix_ncci_ptp_pair", "column1", "column2"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    column1: Mapped[str] = mapped_column(String(5))
    column2: Mapped[str] = mapped_column(String(5))
    effective_from: Mapped[dt.date | None] = mapped_column(Date)  # None: not given by the file
    deleted_on: Mapped[dt.date | None] = mapped_column(Date)
    modifier_indicator: Mapped[str] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(String(200))
    release: Mapped[str] = mapped_column(String(80), index=True)


class MueEdit(Base):
    """NCCI medically unlikely edit: the most units of a code per line or per day."""

    __tablename__ = "mue_edit"
    __table_args__ = (Index("ix_mue_edit_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(5))
    max_units: Mapped[int] = mapped_column(Integer)
    mai: Mapped[str] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(String(200))
    service: Mapped[str] = mapped_column(String(30))
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    release: Mapped[str] = mapped_column(String(80), index=True)


class AddOnEdit(Base):
    """NCCI add-on code edit: the add-on is paid only with one of its primary codes."""

    __tablename__ = "add_on_edit"
    __table_args__ = (Index("ix_add_on_edit_add_on", "add_on_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    primary_code: Mapped[str] = mapped_column(String(5))  # 'CCCCC' in the file: no listed primary (type 2)
    add_on_code: Mapped[str] = mapped_column(String(5))
    edit_type: Mapped[str] = mapped_column(String(1))  # 1, 2 or 3
    release: Mapped[str] = mapped_column(String(80), index=True)


class MceFlag(Base):
    """Medicare Code Editor list membership of an ICD-10-CM code (age group, manifestation, ...)."""

    __tablename__ = "mce_flag"
    __table_args__ = (Index("ix_mce_flag_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8))
    flag: Mapped[str] = mapped_column(String(20))
    release: Mapped[str] = mapped_column(String(80), index=True)


class FeeScheduleIndicator(Base):
    """A physician fee schedule row (one per code and modifier: the global row has modifier "",
    professional and technical components "26" and "TC"): the indicators that drive modifier edits
    (PC/TC, global days, bilateral, multiple procedure) and the RVUs and conversion factor the
    simulated payers price with."""

    __tablename__ = "fee_schedule_indicator"
    __table_args__ = (Index("ix_fee_schedule_indicator_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(5))
    modifier: Mapped[str] = mapped_column(String(2), default="")
    status: Mapped[str] = mapped_column(String(1))
    pctc: Mapped[str] = mapped_column(String(1))
    global_days: Mapped[str] = mapped_column(String(3))
    multiple_procedure: Mapped[str] = mapped_column(String(1))
    bilateral: Mapped[str] = mapped_column(String(1))
    work_rvu: Mapped[float] = mapped_column(default=0.0)
    non_facility_pe_rvu: Mapped[float] = mapped_column(default=0.0, server_default="0")
    facility_pe_rvu: Mapped[float] = mapped_column(default=0.0, server_default="0")
    mp_rvu: Mapped[float] = mapped_column(default=0.0, server_default="0")
    conversion_factor: Mapped[float] = mapped_column(default=0.0, server_default="0")
    release: Mapped[str] = mapped_column(String(80), index=True)
