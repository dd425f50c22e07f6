"""The address hash (suppressions, consent events) takes any stored address:
a Subscriber row written outside the normalising paths (Django admin, a
script) with a non-ASCII local part crashed every sending chunk it was in
(UnicodeEncodeError in hash_normalised)."""

import hashlib

from newsletters.audience.addresses import email_hash, hash_normalised


def test_ascii_addresses_keep_their_hash():
    assert (
        hash_normalised("ana@shembull.al")
        == hashlib.sha256(b"ana@shembull.al").hexdigest()
    )
    assert email_hash(" Ana@Shembull.AL ") == hash_normalised("ana@shembull.al")


def test_a_non_ascii_local_part_hashes_instead_of_crashing():
    digest = hash_normalised("çelik.ëmri@shembull.al")
    assert digest == hashlib.sha256("çelik.ëmri@shembull.al".encode()).hexdigest()
