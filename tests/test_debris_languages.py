"""StripDebris in any language and script: each line is judged in its own language,
and by its shape where no stopword list covers it (issue 9, point 2)."""

import re
from importlib import resources

import pytest

from cleantext import Pipeline, StripDebris
from cleantext.stages import boilerplate

MENU = "".join(f"{item}\n" for item in (
    "Skip to content", "Home", "World", "Business", "Sport", "Weather", "Opinion", "Video",
    "Newsletters", "Contact us", "Home › News › World", "Share on Facebook", "Share on Twitter",
))
FOOTER = "Related stories\nMarkets fall again\nA new bridge for the city\n© 2025 World News. All rights reserved.\n"

# One paragraph per script, written for these tests: none of these scripts has a list
# in stock jusText, and Hangul, Devanagari, Georgian, Armenian, Ethiopic and Thai have
# none here either, or one that misses most words.
PARAGRAPHS = {
    "ko": "시의회는 화요일에 회의를 열어 새 다리 건설 계획을 논의했다. 많은 주민들이 회의에 참석했고, 표결은 예상대로 "
          "아주 근소한 차이로 끝났다. 시장은 내년 봄에 공사를 시작하겠다고 말했다.",
    "ar": "اجتمع مجلس المدينة يوم الثلاثاء لمناقشة خطة بناء الجسر الجديد، وحضر الاجتماع عدد كبير من السكان. وجاءت نتيجة "
          "التصويت متقاربة كما كان متوقعا، وقال رئيس البلدية إن العمل سيبدأ في الربيع المقبل.",
    "hi": "नगर परिषद ने मंगलवार को नए पुल की योजना पर चर्चा करने के लिए बैठक की। बैठक में बहुत से लोग आए और मतदान "
          "उम्मीद के मुताबिक बहुत करीबी रहा। महापौर ने कहा कि काम अगले वसंत में शुरू होगा।",
    "ka": "ქალაქის საბჭომ სამშაბათს შეკრება გამართა ახალი ხიდის გეგმის განსახილველად. შეხვედრას ბევრი მცხოვრები "
          "დაესწრო და კენჭისყრა, როგორც მოსალოდნელი იყო, ძალიან მჭიდრო გამოვიდა. მერმა თქვა, რომ სამუშაოები გაზაფხულზე დაიწყება.",
    "hy": "Քաղաքային խորհուրդը երեքշաբթի օրը հավաքվեց՝ քննարկելու նոր կամրջի ծրագիրը։ Հանդիպմանը ներկա էին շատ "
          "բնակիչներ, և քվեարկությունը, ինչպես սպասվում էր, շատ սերտ ստացվեց։ Քաղաքապետն ասաց, որ աշխատանքները կսկսվեն գարնանը։",
    "am": "የከተማው ምክር ቤት ማክሰኞ ዕለት ስለ አዲሱ ድልድይ እቅድ ለመወያየት ተሰበሰበ። በስብሰባው ላይ ብዙ ነዋሪዎች ተገኝተዋል፤ "
          "ድምጽ አሰጣጡም እንደተጠበቀው በጣም ተቀራራቢ ነበር። ከንቲባው ስራው በሚቀጥለው ፀደይ እንደሚጀምር ተናግረዋል።",
    "th": "สภาเมืองประชุมกันเมื่อวันอังคารเพื่อหารือเกี่ยวกับแผนการสร้างสะพานใหม่ มีผู้อยู่อาศัยจำนวนมากเข้าร่วมการประชุม "
          "และผลการลงคะแนนก็สูสีกันมากตามที่คาดไว้ นายกเทศมนตรีกล่าวว่างานจะเริ่มในฤดูใบไม้ผลิหน้า",
    "tr": "Belediye meclisi salı günü yeni köprü planını görüşmek için toplandı. Toplantıya çok sayıda kişi katıldı ve "
          "oylama beklendiği gibi çok yakın bir sonuçla bitti. Belediye başkanı çalışmaların gelecek bahar başlayacağını söyledi.",
    "vi": "Hội đồng thành phố đã họp vào thứ Ba để thảo luận về kế hoạch xây cây cầu mới. Rất nhiều người dân đã đến dự "
          "cuộc họp và kết quả bỏ phiếu rất sát nhau như mọi người đã dự đoán. Thị trưởng nói công việc sẽ bắt đầu vào mùa xuân tới.",
    "uk": "Міська рада зібралася у вівторок, щоб обговорити план будівництва нового мосту. На засідання прийшло багато "
          "мешканців, і голосування, як і очікували, було дуже напруженим. Мер сказав, що роботи почнуться наступної весни.",
}


def strip(text: str) -> str:
    return Pipeline([StripDebris()]).clean(text)


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_article_in_any_script_survives_inside_english_page_chrome(language):
    article = "".join(PARAGRAPHS[language] + "\n" for _ in range(4))
    out = strip(MENU + "Headline\n" + article + FOOTER)
    assert article in out
    assert "Newsletters" not in out and "Markets fall again" not in out


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_a_paragraph_in_any_script_is_prose_on_its_own(language):
    assert boilerplate.classify_line(PARAGRAPHS[language]).label in ("good", "near-good")


def test_each_line_is_measured_in_its_own_language():
    german = "Der Rat hat am Dienstag über die neue Brücke beraten, und die Abstimmung war so knapp, wie es viele erwartet hatten."
    english = "The council met on Tuesday to discuss the new bridge, and the vote was as close as many had expected it to be."
    assert boilerplate.measure(german)[3] == "de" and boilerplate.measure(english)[3] == "en"
    assert boilerplate.measure(german)[1] >= boilerplate.STOPWORDS_HIGH


def test_hangul_is_weighted_like_the_other_east_asian_scripts():
    korean = "시의회는 화요일에 회의를 열었다."
    assert boilerplate.measure(korean)[0] > len(korean)


def test_menu_items_are_not_prose_in_any_language():
    for item in ("Privacy Policy", "Главная страница", "الصفحة الرئيسية", "홈으로 가기", "Ana Sayfa"):
        assert boilerplate.classify_line(item).label == "short"


def test_every_stopword_list_loads_and_the_collection_licence_is_shipped():
    assert len(boilerplate.LANGUAGES) >= 50
    assert all(code.isalpha() and code.islower() and len(code) == 2 for code in boilerplate.LANGUAGES)
    for language in boilerplate.LANGUAGES:
        assert boilerplate.stopwords(language), language
    licence = resources.files("cleantext.rules").joinpath("stopwords/LICENSE-stopwords-iso.txt").read_text("utf-8")
    assert "MIT License" in licence and "Permission is hereby granted" in licence


def test_lang_option_accepts_the_new_lists():
    assert "ko" in StripDebris.LANGUAGES and "ar" in StripDebris.LANGUAGES
    StripDebris(lang="tr")


def test_a_block_of_paragraphs_without_a_stopword_list_survives_between_menu_lines_inside_the_article():
    english = "".join(
        f"Paragraph {n} of the story says that the council met on Tuesday and that the vote was close, "
        "as many of the people in the town had expected it to be for weeks.\n" for n in range(3))
    georgian = "".join(sentence + "\n" for sentence in (  # 120-240 characters: prose-like, not sure prose
        "ქალაქის საბჭომ სამშაბათს შეკრება გამართა ახალი ხიდის გეგმის განსახილველად, შეხვედრას ბევრი მცხოვრები დაესწრო. "
        "კენჭისყრა ძალიან მჭიდრო გამოვიდა.",
        "მერმა თქვა, რომ სამუშაოები გაზაფხულზე დაიწყება. ადგილობრივმა მოსახლეობამ გადაწყვეტილება კმაყოფილებით მიიღო, "
        "თუმცა ზოგიერთმა ხარჯებზე იკითხა.",
    ))
    toolbar = ("BW EXTRAS BW Digital BW Mobile BW Online Alerts Dashboard Widgets Podcasts RSS Feeds Reprints "
               "Permissions Customer Service Media Kit\n")
    links = ("Graphic Mopping Red Ink Commentary Cutting Budget Smoke John Kerry GOP Firing Line Autos Price Breaks "
             "Wal-Mart Eases Grip Medicare Cancer Patients\n")
    page = MENU + english + toolbar + georgian + links + english.replace("Paragraph", "Part") + FOOTER
    assert georgian in strip(page)


# The fast paths of `languages.measure` (the `re` engine on Latin, Greek and Cyrillic
# lines; the exact script searches only where Han, Kana or Hangul may be) must find
# what the exact `regex` patterns find, on any text.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cleantext.stages import languages  # noqa: E402

_PLAIN_TEXT = st.text(st.characters(max_codepoint=0x2BFF, exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_PLAIN_TEXT, st.text(max_size=40)))
def test_words_of_plain_lines_are_those_of_the_exact_pattern(text):
    if languages._PLAIN.fullmatch(text):
        lowered = text.lower()
        assert languages._WORD.findall(lowered) == languages._WORD_ANY.findall(lowered)


def test_every_han_kana_and_hangul_character_is_looked_at():
    missed = [hex(cp) for cp in range(0x80, 0x110000)
              if (languages.HAN_KANA.match(chr(cp)) or languages._HANGUL.match(chr(cp)))
              and not languages._MAYBE_WIDE.match(chr(cp))]
    assert missed == []


_SOME_STOPWORDS = sorted(languages._stopword_index())[::7] + ["zebra", "ferry", "", "qqq"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SOME_STOPWORDS), max_size=400))
def test_packed_stopword_counts_choose_the_language_a_word_by_word_count_does(words):
    """`best_language` adds one integer per word (a byte per language, in pieces of
    255 words); the result, ties to the alphabetically first language included, is
    the plain count's."""
    assert languages.best_language(words) == languages._best_language_by_dict(words)


def test_a_line_of_more_words_than_a_packed_field_holds_is_counted_in_full():
    words = ["und"] * 70_000 + ["the"] * 3
    assert languages.best_language(words) == languages._best_language_by_dict(words) == ("de", 70_000)


@pytest.mark.parametrize("count", [254, 255, 256, 510, 511])
def test_counts_at_the_size_of_a_packed_field_do_not_spill_into_the_next_language(count):
    """A byte holds 255: one more "und" must not carry into the next language's field."""
    words = ["und"] * count + ["the"] * 2
    assert languages.best_language(words) == languages._best_language_by_dict(words) == ("de", count)


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(max_codepoint=0x7F), max_size=60))
def test_words_of_ascii_lines_are_those_of_the_general_pattern(text):
    lowered = text.lower()
    assert languages._ASCII_WORD.findall(lowered) == languages._WORD.findall(lowered)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(st.characters(max_codepoint=0x7F), max_size=6) | st.sampled_from(
    ["'", "''", "don't", "90's", "x'1", "rock'n'roll", "O'Neil", " ", "A1'b2", "'s"]), max_size=12))
def test_ascii_words_found_by_splitting_are_those_the_pattern_finds(parts):
    text = "".join(parts)
    assert languages._ascii_words(text) == languages._ASCII_WORD.findall(text.lower())


# What `ends_like_sentence` replaced: a search for a sentence mark, closing quotes or
# brackets and spaces at the end of the line.
_SENTENCE_END_PATTERN = re.compile(rf"[{languages._STOPS}][\"'”’»)\]]*\s*$")
_LINE_ENDS = st.text(st.sampled_from(languages._STOPS + languages._CLOSERS + " \t\u00a0\u3000\nab.,"), max_size=8)


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=20), _LINE_ENDS)
def test_a_sentence_end_is_what_the_pattern_found(start, end):
    text = start + end
    assert languages.ends_like_sentence(text) == bool(_SENTENCE_END_PATTERN.search(text))
