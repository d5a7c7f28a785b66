"""Pictures from outside are measured before they are decoded: a small file describing a huge picture is
refused with a Vietnamese message, and photos that are kept are shrunk."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageFile

from phongdich.core.pictures import PictureRefused, picture_open

BOMB_SIDE = 13_000


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """A PNG of 13,000 × 13,000 pixels in a file of a few hundred kilobytes."""
    out = io.BytesIO()
    Image.new("1", (BOMB_SIDE, BOMB_SIDE)).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 1024 * 1024
    return out.getvalue()


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_a_picture_over_the_pixel_limit_is_refused_before_a_pixel_is_decoded(bomb_png):
    never_decoded = mock.patch.object(ImageFile.ImageFile, "load", side_effect=AssertionError("decoded"))
    with never_decoded, pytest.raises(PictureRefused, match="Ảnh có hơn 25.000.000 điểm ảnh") as refused:
        picture_open(bomb_png, longest_side=2000)
    assert refused.value.code == "too_large"


def test_the_public_verifier_refuses_a_decompression_bomb_with_a_vietnamese_message(client, bomb_png):
    upload = SimpleUploadedFile("qr.png", bomb_png, content_type="image/png")
    page = client.post("/verify", {"image": upload}).content.decode()
    assert "Ảnh có hơn 25.000.000 điểm ảnh" in page and "too_large" not in page  # no raw code for people


def test_a_picture_under_the_limit_is_decoded_at_a_reduced_size(settings):
    image = picture_open(jpeg(4000, 3000), longest_side=1000)
    assert max(image.size) <= 1000


def test_a_file_that_is_not_a_picture_is_refused_in_vietnamese():
    with pytest.raises(PictureRefused, match="không phải là ảnh") as refused:
        picture_open("xin chào".encode(), longest_side=2000)
    assert refused.value.code == "unreadable_image"


def self_test(world, photo):
    from phongdich.labs.choices import SampleKind
    from phongdich.labs.services import sample_register

    return sample_register(
        actor=world.user("community_team"),
        person=world.person("Lý Thị Thu", "25966"),
        kind=SampleKind.ANTIGEN_SELF,
        barcode="",
        sampled_at=timezone.now() - timedelta(minutes=30),
        photo=photo,
    )


def test_a_self_test_photo_is_shrunk_and_kept_as_a_jpeg(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sample = self_test(world, SimpleUploadedFile("anh.jpg", jpeg(4000, 3000), content_type="image/jpeg"))
    with Image.open(sample.photo.open("rb")) as kept:
        assert kept.format == "JPEG" and max(kept.size) == 1600


def test_a_self_test_photo_with_too_many_pixels_is_refused(world, settings, tmp_path, bomb_png):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as refused:
        self_test(world, SimpleUploadedFile("anh.png", bomb_png, content_type="image/png"))
    assert "Ảnh có hơn 25.000.000 điểm ảnh" in refused.value.message_dict["photo"][0]
