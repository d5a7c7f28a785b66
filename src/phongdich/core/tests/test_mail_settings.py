"""Where the platform's e-mail goes: the mailer read from PHONGDICH_SMTP_URL."""

import pytest
from django.core import mail

from phongdich.settings import mailer_from_url


def test_a_submission_port_uses_starttls_with_the_decoded_password():
    options = mailer_from_url("smtp://phongdich:m%40t%2Fkh%E1%BA%A9u@mail.binhduong.gov.vn:587")["OPTIONS"]
    assert (options["host"], options["port"], options["username"]) == ("mail.binhduong.gov.vn", 587, "phongdich")
    assert options["password"] == "m@t/khẩu" and options["use_tls"] and not options["use_ssl"]


def test_smtps_speaks_tls_from_the_start_on_port_465():
    options = mailer_from_url("smtps://canhbao:bi-mat@mail.binhduong.gov.vn")["OPTIONS"]
    assert options["port"] == 465 and options["use_ssl"] and not options["use_tls"]


def test_without_a_url_mail_goes_to_the_machines_own_mta_unauthenticated():
    options = mailer_from_url("smtp://localhost:25")["OPTIONS"]
    assert (options["host"], options["port"], options["username"], options["use_tls"]) == ("localhost", 25, "", False)


def test_starttls_can_be_asked_for_on_another_port():
    assert mailer_from_url("smtp://mail.binhduong.gov.vn:2525?starttls=1")["OPTIONS"]["use_tls"]


def test_a_url_of_another_kind_is_refused_naming_the_variable():
    with pytest.raises(ValueError, match="PHONGDICH_SMTP_URL: unsupported scheme 'http'"):
        mailer_from_url("http://mail.binhduong.gov.vn")


def test_the_tests_send_into_the_in_memory_outbox_without_a_deprecation_warning(recwarn):
    mail.send_mail("Nhắc việc", "Nhiệm vụ đến hạn sau hai ngày.", None, ["bcd@binhduong.gov.vn"])
    assert [message.subject for message in mail.outbox] == ["Nhắc việc"]
    assert not [warning for warning in recwarn if "MAILERS" in str(warning.message)]
