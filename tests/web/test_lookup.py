"""The code lookup pages and the JSON API."""
from __future__ import annotations

import pytest

from trainer.models import Role

from .conftest import login


@pytest.fixture()
def learner_client(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    return client


def test_api_search_shape(learner_client):
    data = learner_client.get("/api/codes/search?q=nstemi&date=2025-10-01").get_json()
    assert data["total"] >= 1 and data["date"] == "2025-10-01"
    top = data["results"][0]
    assert top["code"] == "I214" and top["display"] == "I21.4" and top["system"] == "ICD10CM"
    assert top["billable"] is True and top["valid_on_date"] is True


def test_api_search_system_filter_and_limit(learner_client):
    data = learner_client.get("/api/codes/search?q=office visit&system=cpt&limit=3").get_json()
    assert 0 < len(data["results"]) <= 3 and all(r["system"] == "CPT" for r in data["results"])


@pytest.mark.parametrize("query, message", [
    ("q=", "type a code"),
    ("q=E11&date=2025-13-45", "not a date"),
    ("q=E11&system=icd9", "unknown code system"),
    ("q=E11&limit=1000", "limit"),
])
def test_api_search_bad_input_is_400_with_message(learner_client, query, message):
    response = learner_client.get(f"/api/codes/search?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_api_code_detail(learner_client):
    data = learner_client.get("/api/codes/icd10cm/E11.A?date=2025-06-01").get_json()
    assert data["system"] == "ICD10CM" and data["code"] == "E11A" and data["billable"] is True
    assert data["valid_on_date"] is False  # added on 2025-10-01
    assert any(n["kind"] == "excludes1" for n in data["notes"])
    later = learner_client.get("/api/codes/icd10cm/E11.A?date=2025-10-01").get_json()
    assert later["valid_on_date"] is True


def test_api_unknown_code_is_404_with_suggestions(learner_client):
    response = learner_client.get("/api/codes/icd10cm/E11.99")
    assert response.status_code == 404
    body = response.get_json()
    assert "E1199" in body["error"] and "E11.9" in [s["display"] for s in body["suggestions"]]


def test_api_requires_sign_in(client):
    assert client.get("/api/codes/search?q=E11").status_code == 401


def test_lookup_page_renders_results_without_js(learner_client):
    html = learner_client.get("/codes?q=fracture+shaft+radius+left&date=2025-10-01").get_data(as_text=True)
    assert "S52.302A" in html and "Billable" in html


def test_lookup_page_bad_date_shows_error(learner_client):
    response = learner_client.get("/codes?q=E11&date=yesterday")
    assert response.status_code == 400 and "not a date" in response.get_data(as_text=True)


def test_code_page_shows_hierarchy_notes_and_seventh_table(learner_client):
    html = learner_client.get("/codes/icd10cm/S52.521?date=2025-10-01").get_data(as_text=True)
    for text in ("S52.521", "Fracture of forearm", "Excludes1", "initial encounter for closed fracture",
                 "S52.521A"):
        assert text in html, text


def test_code_page_for_pcs_explains_axes(learner_client):
    html = learner_client.get("/codes/icd10pcs/0DTJ4ZZ").get_data(as_text=True)
    assert "Root Operation" in html and "Appendix" in html and "Percutaneous Endoscopic" in html


def test_unknown_code_page_suggests(learner_client):
    response = learner_client.get("/codes/icd10cm/E1199")
    assert response.status_code == 404
    assert "E11.9" in response.get_data(as_text=True)
