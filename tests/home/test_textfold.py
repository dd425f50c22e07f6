import pytest

from home.textfold import fold, fold_with_stems, stem


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Београд", "beograd"),
        ("Удружење грађана", "udruzenje gradjana"),
        ("Đorđe Ćirić", "djordje ciric"),
        ("Ђорђе Ћирић", "djordje ciric"),
        ("İSTANBUL", "istanbul"),
        ("Istanbul", "istanbul"),
        ("ıstanbul", "istanbul"),
        ("IĞDIR'da", "igdir da"),
        ("Shoqëria çdo", "shoqeria cdo"),
        ("društvo", "drustvo"),
        ("Гевгелија, ќе ѕвезда", "gevgelija kje dzvezda"),
        ("", ""),
    ],
)
def test_every_script_case_and_diacritic_meets(text, folded):
    assert fold(text) == folded


def test_stems_join_inflected_forms():
    assert stem(fold("Kosovën")) == stem(fold("Kosova")) == "kosov"
    assert stem(fold("Niša")) == fold("Niš")
    assert "tuzl" in fold_with_stems("Tuzle").split()
