"""Property tests for the X12 readers: whatever the input (random text, a valid document cut short,
segments deleted or elements damaged), read_835 and read_837p return a document or raise X12Error
with a message, never another exception."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.claims.practice import claim_from_key
from trainer.claims.remit import Remittance
from trainer.claims.x12_835 import read_835, write_835
from trainer.claims.model import ProfessionalClaim
from trainer.claims.x12_837p import read_837p, write_837p
from trainer.claims.x12_common import X12Error

from .remittances import SAMPLES


def sample_837p() -> str:
    variant = {"date_of_service": dt.date(2025, 3, 3), "setting": "office", "payer": "medicare",
               "patient": {"name": "Ana Rivera", "birth_date": dt.date(1958, 6, 1), "sex": "F"}}
    key = {"procedures": [{"code": "99214", "modifiers": ["25"]}, {"code": "20610", "dx_pointers": [1, 2]}],
           "diagnoses": ["M17.11", "I10"]}
    return write_837p(claim_from_key("fuzz", variant, key))


DOCUMENTS = {"835": [write_835(make()) for make in SAMPLES.values()], "837P": [sample_837p()]}
READERS = {"835": (read_835, Remittance), "837P": (read_837p, ProfessionalClaim)}
X12_TEXT = st.text(alphabet="ISAGSTEBPRCLNMQVDXHU0123456789*:^~.- \n", max_size=300)


def read_or_clear_error(kind: str, text) -> object | None:
    """The document read, or None after a clear X12Error; any other exception fails the test."""
    reader, result_type = READERS[kind]
    try:
        result = reader(text)
    except X12Error as err:
        assert str(err).strip()
        return None
    assert isinstance(result, result_type)
    return result


def segment_ends(text: str) -> list[int]:
    return [i + 1 for i, ch in enumerate(text) if ch == "~"]


@pytest.mark.parametrize("kind", READERS)
@given(text=st.one_of(st.text(max_size=400), X12_TEXT, st.binary(max_size=50), st.none(), st.integers()))
@settings(max_examples=150, deadline=None)
def test_random_input_is_read_or_refused_clearly(kind, text):
    read_or_clear_error(kind, text)


@pytest.mark.parametrize("kind", READERS)
@given(prefix=X12_TEXT)
@settings(max_examples=100, deadline=None)
def test_random_text_after_an_isa_header_is_read_or_refused_clearly(kind, prefix):
    isa = DOCUMENTS[kind][0].split("~", 1)[0] + "~"
    read_or_clear_error(kind, isa + prefix)


def test_an_835_cut_at_any_segment_boundary_is_refused():
    for text in DOCUMENTS["835"]:
        ends = segment_ends(text)
        for end in ends[:-1]:
            assert read_or_clear_error("835", text[:end]) is None, text[:end][-40:]
        assert read_or_clear_error("835", text[:ends[-1]]) is not None


def test_an_837p_cut_at_any_segment_boundary_is_read_or_refused_clearly():
    text = DOCUMENTS["837P"][0]
    for end in segment_ends(text):
        read_or_clear_error("837P", text[:end])


@pytest.mark.parametrize("kind", READERS)
@given(data=st.data())
@settings(max_examples=150, deadline=None)
def test_a_document_cut_at_a_random_offset_is_read_or_refused_clearly(kind, data):
    text = data.draw(st.sampled_from(DOCUMENTS[kind]))
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    read_or_clear_error(kind, text[:cut])


@pytest.mark.parametrize("kind", READERS)
@given(data=st.data())
@settings(max_examples=200, deadline=None)
def test_a_document_with_segments_deleted_is_read_or_refused_clearly(kind, data):
    segs = data.draw(st.sampled_from(DOCUMENTS[kind])).split("~")
    doomed = data.draw(st.sets(st.integers(min_value=0, max_value=len(segs) - 1), min_size=1, max_size=4))
    read_or_clear_error(kind, "~".join(s for i, s in enumerate(segs) if i not in doomed))


@pytest.mark.parametrize("kind", READERS)
@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_a_document_with_a_damaged_element_is_read_or_refused_clearly(kind, data):
    segs = [s.split("*") for s in data.draw(st.sampled_from(DOCUMENTS[kind])).split("~")]
    n = data.draw(st.integers(min_value=0, max_value=len(segs) - 2))
    e = data.draw(st.integers(min_value=0, max_value=len(segs[n]) - 1))
    segs[n][e] = data.draw(st.one_of(st.just(""), X12_TEXT, st.sampled_from(["-1", "1E9", "NaN", "Infinity", "0",
                                                                              "99999999", "HC:", ":", "1.2.3"])))
    read_or_clear_error(kind, "~".join("*".join(s) for s in segs))
