"""One function gives the client's address (home.http.client_ip): behind
NUM_PROXIES trusted proxies it is the entry that many from the right of
X-Forwarded-For; what a client writes into the header itself is ignored."""

from django.test import RequestFactory, override_settings

from home.http import client_ip

factory = RequestFactory()


def request(forwarded=None, remote="10.0.0.2"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **extra)


@override_settings(NUM_PROXIES=1)
def test_one_proxy_the_last_forwarded_entry_is_the_client():
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"


@override_settings(NUM_PROXIES=1)
def test_spoofed_entries_on_the_left_are_ignored():
    # The client sent "X-Forwarded-For: 1.2.3.4, 5.6.7.8"; nginx appended
    # the address it saw.
    assert client_ip(request("1.2.3.4, 5.6.7.8, 203.0.113.7")) == "203.0.113.7"


@override_settings(NUM_PROXIES=2)
def test_two_proxies_the_second_entry_from_the_right():
    assert client_ip(request("1.2.3.4, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


@override_settings(NUM_PROXIES=0)
def test_no_proxy_the_connection_address_whatever_the_header_says():
    assert client_ip(request("1.2.3.4", remote="198.51.100.3")) == "198.51.100.3"


@override_settings(NUM_PROXIES=1)
def test_a_proxy_without_the_header_leaves_the_connection_address():
    assert client_ip(request(None, remote="198.51.100.3")) == "198.51.100.3"
