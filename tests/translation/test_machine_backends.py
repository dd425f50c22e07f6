"""DeepL and LibreTranslate backends against stand-in servers on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests
from wagtail_localize.strings import StringValue

from home.translation.machine import EngineLocale, RoutingTranslator


class StandIn(BaseHTTPRequestHandler):
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        StandIn.requests.append((self.path, dict(self.headers), body))
        if (
            self.path == "/v2/translate"
            and "spent-key" in self.headers["Authorization"]
        ):
            # DeepL's answer once a key's quota is used up.
            self.answer(456, {"message": "Quota exceeded"})
            return
        if self.path == "/v2/translate":
            form = parse_qs(body)
            texts = form["text"]
            payload = {
                "translations": [
                    {"text": f"DE:{form['target_lang'][0]}:{t}"} for t in texts
                ]
            }
        elif self.path == "/translate":
            data = json.loads(body)
            payload = {
                "translatedText": [f"LT:{data['target']}:{q}" for q in data["q"]]
            }
        else:
            self.send_error(404)
            return
        self.answer(200, payload)

    def answer(self, status, payload):
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    StandIn.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def router(url, **deepl_options):
    return RoutingTranslator(
        {
            "ENGINES": {
                "deepl": {
                    "CLASS": "home.translation.machine.DeepLTranslator",
                    "OPTIONS": {
                        "AUTH_KEY": "test-key:fx",
                        "API_URL": url,
                        "LANGUAGE_CODES": {"en": "en-gb"},
                        "LANGUAGES": ["en", "tr"],
                        **deepl_options,
                    },
                },
                "libretranslate": {
                    "CLASS": "home.translation.machine.LibreTranslator",
                    "OPTIONS": {
                        "LIBRETRANSLATE_URL": url,
                        "LANGUAGE_CODES": {"sr-latn": "sr"},
                    },
                },
                "offline": {"CLASS": "home.translation.machine.OfflineTranslator"},
            },
            "ROUTES": [
                ("*", "*", "deepl"),
                ("*", "*", "libretranslate"),
                ("*", "*", "offline"),
            ],
            "VIA": {"cnr": "sr-latn"},
            "SCRIPT_VIA": {"sr": "sr-latn"},
        }
    )


def run(translator, source, target, *texts):
    strings = [StringValue(t) for t in texts]
    result = translator.translate(EngineLocale(source), EngineLocale(target), strings)
    return [result[s].data for s in strings]


def test_deepl_backend_speaks_deepl_to_a_local_stand_in(stand_in):
    translator = router(stand_in)
    assert run(translator, "tr", "en", "Sivil toplum", "<b>Haber</b>") == [
        "DE:EN-GB:Sivil toplum",
        "DE:EN-GB:<b>Haber</b>",
    ]
    path, headers, body = StandIn.requests[-1]
    assert path == "/v2/translate"
    assert headers["Authorization"] == "DeepL-Auth-Key test-key:fx"
    form = parse_qs(body)
    assert form["source_lang"] == ["TR"] and form["target_lang"] == ["EN-GB"]
    assert translator.display_name == "DeepL"


def test_deepl_backend_sends_wagtail_localizes_formality_and_glossary(stand_in):
    translator = router(
        stand_in, FORMALITY="prefer_less", GLOSSARY_IDS={("TR", "EN-GB"): "g-1"}
    )
    run(translator, "tr", "en", "Sivil toplum")
    form = parse_qs(StandIn.requests[-1][2])
    assert form["formality"] == ["prefer_less"]
    assert form["glossary_id"] == ["g-1"]
    assert form["tag_handling"] == ["xml"]


def test_deepl_refusal_is_the_http_error_that_says_so(stand_in):
    translator = router(stand_in, AUTH_KEY="spent-key:fx")
    with pytest.raises(requests.HTTPError, match="456"):
        run(translator, "tr", "en", "Sivil toplum")


def test_libretranslate_backend_speaks_libretranslate_to_a_local_stand_in(stand_in):
    translator = router(stand_in)
    assert run(translator, "sq", "en", "Shoqëria civile") == ["LT:en:Shoqëria civile"]
    path, headers, body = StandIn.requests[-1]
    assert path == "/translate"
    assert headers["Content-Type"] == "application/json"
    data = json.loads(body)
    assert data == {
        "q": ["Shoqëria civile"],
        "source": "sq",
        "target": "en",
        "format": "html",
    }


def test_routes_by_language_pair(stand_in):
    translator = router(stand_in)
    # Montenegrin goes through the Serbian Latin model.
    assert run(translator, "cnr", "en", "Vijesti") == ["LT:en:Vijesti"]
    assert json.loads(StandIn.requests[-1][2])["source"] == "sr"
    # Serbian Cyrillic is asked in Latin and comes back in Cyrillic, exactly.
    run(translator, "en", "sr", "News")
    assert json.loads(StandIn.requests[-1][2])["target"] == "sr"
    # Script conversion never reaches an engine.
    count = len(StandIn.requests)
    assert run(translator, "sr", "sr-latn", "Вести из Ниша") == ["Vesti iz Niša"]
    assert len(StandIn.requests) == count


def test_offline_backend_marks_its_output_and_needs_no_network():
    translator = RoutingTranslator(
        {
            "ENGINES": {
                "offline": {"CLASS": "home.translation.machine.OfflineTranslator"}
            },
            "ROUTES": [("*", "*", "offline")],
        }
    )
    assert run(translator, "sq", "mk", "Lajme") == ["[MT sq→mk] Lajme"]
