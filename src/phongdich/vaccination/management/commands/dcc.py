"""phongdich dcc keys create|list          a new document signer (the old one keeps verifying)
phongdich dcc trust-list [--out FILE]      this instance's trusted certificates, as PEM
phongdich dcc verify [HC1-TEXT | --image QR.png] [--trust FILE] [--revoked FILE] [--at ISO-8601-TIME]
phongdich dcc coverage-refresh             rebuild the coverage figures (run nightly and after imports)

`verify` prints one JSON object: decoded, verified, valid, kid, payload, error. Without --trust it trusts
this instance's own document signers; it also honours this instance's revocations when it can read them."""

import base64
import contextlib
import json
import sys
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from phongdich.core import clock
from phongdich.vaccination.dcc import codec, trust
from phongdich.vaccination.dcc.qr import text_from_image


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        keys = commands.add_parser("keys", help="manage signing keys")
        keys.add_argument("action", choices=["create", "rotate", "list"])
        keys.add_argument("--name", default="", help="common name of the document signer")
        trust_list = commands.add_parser("trust-list", help="print the trusted certificates as PEM")
        trust_list.add_argument("--out", help="write to this file instead of standard output")
        verify = commands.add_parser("verify", help="verify a certificate")
        verify.add_argument("text", nargs="?", help="the HC1: text (or - to read it from standard input)")
        verify.add_argument("--image", help="a PNG/JPEG of the QR code")
        verify.add_argument("--trust", help="trusted document signers: PEM, DER, base64-DER lines or a JSON trust list")
        verify.add_argument("--revoked", help="revoked UVCI hashes, one SHA-256 hex per line")
        verify.add_argument("--at", help="the time to judge validity at (ISO 8601; now by default)")
        commands.add_parser("coverage-refresh", help="rebuild the coverage figures")

    def handle(self, *args, command, **options):
        getattr(self, "_" + command.replace("-", "_"))(**options)

    def _keys(self, *, action, name, **options):
        from phongdich.vaccination.models import SigningKey
        from phongdich.vaccination.services import signing_key_create

        if action in ("create", "rotate"):
            key = signing_key_create(actor="cli:dcc", common_name=name)
            kid64 = base64.b64encode(bytes.fromhex(key.kid)).decode()
            self.stdout.write(f"kid {key.kid} (base64 {kid64}), valid until {key.not_after:%Y-%m-%d}")
            return
        for key in SigningKey.objects.all():
            state = "signing" if key.active else f"verifying only since {key.retired_at:%Y-%m-%d}"
            self.stdout.write(f"{key.kid}  {key.not_before:%Y-%m-%d} – {key.not_after:%Y-%m-%d}  {state}")

    def _trust_list(self, *, out, **options):
        from phongdich.vaccination.selectors import trust_list_pem

        pem = trust_list_pem()
        if out:
            with open(out, "w") as handle:
                handle.write(pem)
        else:
            self.stdout.write(pem, ending="")

    def _coverage_refresh(self, **options):
        from phongdich.vaccination.services import coverage_refresh

        refresh = coverage_refresh()
        self.stdout.write(f"{refresh.residents:,} residents in {refresh.seconds:.1f} s")

    def _verify(self, *, text, image, trust: str | None, revoked, at, **options):
        moment = _moment(at)
        if image:
            try:
                with open(image, "rb") as handle:
                    text = text_from_image(handle.read())
            except OSError as error:
                raise CommandError(f"{image}: {error.strerror}") from error
            except codec.DccError as error:
                return self._print(codec.Verdict(error=error.code))
        elif text in (None, "-"):
            text = sys.stdin.read()
        keys = _trusted(trust)
        verdict = codec.verify(text, keys=keys, at=moment, revoked=_revoked(revoked))
        self._print(verdict)

    def _print(self, verdict: codec.Verdict) -> None:
        self.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False))


def _moment(text: str | None) -> datetime:
    if not text:
        return clock.now()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise CommandError(f"--at {text}: not an ISO 8601 time (2022-05-01T10:00:00+07:00).") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _trusted(path: str | None) -> dict:
    if path:
        try:
            return trust.load(path)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        except trust.TrustFileError as error:
            raise CommandError(str(error)) from error
    from phongdich.vaccination.selectors import trusted_keys

    return trusted_keys()


def _revoked(path: str | None) -> set[str]:
    hashes: set[str] = set()
    if path:
        with open(path) as handle:
            hashes |= {line.strip().lower() for line in handle if line.strip() and not line.startswith("#")}
    from phongdich.vaccination.models import Certificate

    with contextlib.suppress(DatabaseError):  # a verifier off the instance's database has only the file
        hashes |= set(Certificate.objects.filter(revoked_at__isnull=False).values_list("uvci_hash", flat=True))
    return hashes
