from home.translation.transliterate import cyrillic_to_latin, latin_to_cyrillic

# The project's own text, in the register of a programme news item.
CYRILLIC = (
    "Ресурсни центар за организације цивилног друштва у Нишу и Новом Саду "
    "окупио је 42 удружења грађана на дводневној обуци о џендер буџетирању, "
    "јавном заговарању и праћењу локалних политика. Учесници из Љубовије, "
    "Ђердапа, Његовађе и Ћуприје разменили су искуства са колегама из "
    "Подгорице. „Чињеница да смо се упознали уживо значи много”, рекла је "
    "Јелена Шћекић из удружења ЖЕНСКИ ЦЕНТАР ЉУБИЧИЦА. Пријаве за наредни "
    "циклус: info@resurs.example.org или https://resurs.example.org/prijave."
)
LATIN = (
    "Resursni centar za organizacije civilnog društva u Nišu i Novom Sadu "
    "okupio je 42 udruženja građana na dvodnevnoj obuci o džender budžetiranju, "
    "javnom zagovaranju i praćenju lokalnih politika. Učesnici iz Ljubovije, "
    "Đerdapa, Njegovađe i Ćuprije razmenili su iskustva sa kolegama iz "
    "Podgorice. „Činjenica da smo se upoznali uživo znači mnogo”, rekla je "
    "Jelena Šćekić iz udruženja ŽENSKI CENTAR LJUBIČICA. Prijave za naredni "
    "ciklus: info@resurs.example.org ili https://resurs.example.org/prijave."
)


def test_serbian_paragraph_converts_exactly_between_scripts():
    assert cyrillic_to_latin(CYRILLIC) == LATIN
    assert latin_to_cyrillic(LATIN) == CYRILLIC


def test_transliteration_round_trips_both_ways():
    assert latin_to_cyrillic(cyrillic_to_latin(CYRILLIC)) == CYRILLIC
    assert cyrillic_to_latin(latin_to_cyrillic(LATIN)) == LATIN


def test_transliteration_keeps_markup_and_split_digraphs():
    html = 'Посетите <a id="a1">сајт</a> &amp; надживети, инјекција'
    latin = cyrillic_to_latin(html)
    assert latin == 'Posetite <a id="a1">sajt</a> &amp; nadživeti, injekcija'
    assert latin_to_cyrillic(latin) == html
