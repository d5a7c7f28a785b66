"""The EU Digital COVID Certificate format, written in-project: encoding and signing (signer.py), decoding
and verifying any issuer's certificate (codec.py), the trust list (trust.py), UVCIs (uvci.py) and the ICAO
transliteration of names (names.py). Nothing here touches the database, so the verifier runs anywhere."""
