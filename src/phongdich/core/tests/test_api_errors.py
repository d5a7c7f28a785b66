"""What the API answers a request it cannot read: a forged cursor, a body that is not JSON, a file that is not a
table. Always 422 with the one error body, never a 500."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from phongdich.labs.models import Lab, ResultImport

LISTS = [
    "/api/v1/persons",
    "/api/v1/persons?q=nguyen thi hang",
    "/api/v1/persons?q=074186123456",
    "/api/v1/checkins",
    "/api/v1/cases",
    "/api/v1/contacts",
    "/api/v1/clusters",
    "/api/v1/trips",
    "/api/v1/tracing/levels",
    "/api/v1/tracing/tasks",
    "/api/v1/testing/samples",
    "/api/v1/testing/pools",
    "/api/v1/testing/resample-tasks",
    "/api/v1/vaccination/doses",
]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


FORGED = {
    "not base64": "%%%-không-phải-con-trỏ",
    "base64 of bytes that are not text": base64.urlsafe_b64encode(b"\xff\xfe\x00\x81").decode(),
    "base64 of a JSON object": _b64('{"id": 5}'),
    "base64 of a list too long": _b64("[1, 2, 3]"),
    "text where an id goes": _b64('["Nguyễn"]'),
    "texts where a key and an id go": _b64('["nguyen", "Nguyễn"]'),
    "an object where an id goes": _b64('[{"id": 5}]'),
    "null where an id goes": _b64("[null]"),
    "true where an id goes": _b64("[true, true]"),
    "an id beyond any integer column": _b64(f"[{10**30}, {10**30}]"),
    "an id beyond a float": _b64("[1e400]"),
    "NaN": _b64("[NaN, NaN]"),
}


@pytest.mark.parametrize("url", LISTS)
def test_a_forged_cursor_answers_422_on_every_list(api_as, url):
    client = api_as("province_commander")
    for kind, cursor in FORGED.items():
        response = client.get(url, {"cursor": cursor} | ({"q": url.split("q=")[1]} if "q=" in url else {}))
        assert response.status_code == 422, f"{kind}: {response.content[:200]}"
        assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == ["cursor"], kind


def test_a_cursor_the_api_gave_still_pages_through_a_name_search(api_as, world):
    client = api_as("province_commander")
    first = client.get("/api/v1/persons", {"q": "nguyen thi hang", "limit": 1}).json()
    second = client.get("/api/v1/persons", {"q": "nguyen thi hang", "limit": 1, "cursor": first["next_cursor"]})
    assert second.status_code == 200
    assert {first["items"][0]["id"], second.json()["items"][0]["id"]} == {
        world.person("Nguyễn Thị Hằng", "25966").pk,
        world.person("Nguyễn Thị Hằng", "25741").pk,
    }


def test_a_body_that_is_not_json_answers_422(api_as):
    response = api_as("commune_officer").post("/api/v1/contacts", "{person_id: 1,", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": "Nội dung yêu cầu không phải JSON hợp lệ.", "fields": {}}


def _upload(client, name: str, content: bytes, mapping: str = ""):
    lab = Lab.objects.get()
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post("/api/v1/testing/imports", {"lab_id": lab.pk, "file": file, "mapping": mapping})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ket-qua.csv", "Mã mẫu,Kết quả\nLT-0001-01,Âm tính\n".encode("utf-16")),
        ("ket-qua.xlsx", b"PK\x03\x04 not really a workbook"),
        ("ket-qua.csv", b""),
    ],
    ids=["not UTF-8", "a damaged workbook", "empty"],
)
def test_a_result_file_that_cannot_be_read_answers_422_with_the_reason(api_as, name, content):
    before = ResultImport.objects.count()
    response = _upload(api_as("lab_technician"), name, content)
    assert response.status_code == 422, response.content[:300]
    assert list(response.json()["fields"]) == ["file"] and response.json()["fields"]["file"][0]
    assert ResultImport.objects.count() == before


@pytest.mark.parametrize("mapping", ["{barcode: Mã mẫu", '["Mã mẫu"]', '{"barcode": 1}'])
def test_a_column_mapping_that_is_not_a_json_object_answers_422(api_as, mapping):
    response = _upload(api_as("lab_technician"), "ket-qua.csv", "Mã mẫu,Kết quả\n".encode(), mapping)
    assert response.status_code == 422, response.content[:300]
    assert list(response.json()["fields"]) == ["mapping"]


def test_the_error_body_of_a_value_that_cannot_be_read_names_no_internals(api_as, monkeypatch):
    from phongdich.labs import api as labs_api

    def unreadable(*args, **kwargs):
        raise ValueError("invalid literal for int() with base 10: 'x' in /srv/phongdich/labs/importers.py")

    monkeypatch.setattr(labs_api, "result_import_start", unreadable)
    response = _upload(api_as("lab_technician"), "ket-qua.csv", "Mã mẫu,Kết quả,Thời gian\n".encode())
    assert response.status_code == 422
    assert "importers.py" not in response.content.decode() and json.loads(response.content)["code"] == "invalid"
