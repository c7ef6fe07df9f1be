"""The rule claims tagger: recall on the seed article, the guidelines' exclusions, word boundaries,
and the linking of QTY to ENT/TIME in claim_records."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from train.claims.entities import counted_noun, measured_after, measured_variable, noun_counted_by_one
from train.claims.exclusions import EXCLUSIONS, exclusion
from train.claims.linking import claim_records, read_claims
from train.claims.rules import INCLUSIONS, find_claims, inclusion
from train.claims.sentence import SentenceView
from train.claims.times import BARE_TIMES, TIME_RULES, reported
from train.data.readers.standoff import corpus_articles
from train.data.spans import Span, spans_to_bio
from train.data.text import split_sentences, tokenize

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_5aed8b592000b0fd.txt"  # the project copy of ../shared/seeds

# Every QTY of the seed article, bracketed in enough context to be found once.
SEED_QTY = [
    "استسلم [مئات] من مقاتلي",
    "وتم القبض على [مئات] آخرين",
    "للسماح [لآلاف] المدنيين",
    "عقدت المجموعة [نحو ثلث] البلدين",
    "الدفاع ان [حوالي 400] من مقاتلي",
    "وقال القائد ان [مئات] من الجهاديين",
    "من بين [أكثر من ألفي] شخص",
    "ان [نحو 6500] شخص",
    "بما في ذلك [مئات] الرجال",
    "من بين [60 ألف] شخص",
    "وصل [50 ألف] شخص",
    "بما في ذلك [4000] شخص",
    "من بين [90] شخصا",
    "كان [ثلثاهم] من الرضع",
    "كان هناك [11] من الأسرى",
    "إطلاق سراح [أربعة] أطفال",
    "وجود [عشرات] من الاطفال",
]


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def _gold(text: str, snippets: list[str]) -> set[tuple[int, int]]:
    gold = set()
    for snippet in snippets:
        plain = snippet.replace("[", "").replace("]", "")
        at = text.index(plain)
        assert text.count(plain) == 1, snippet
        start = at + snippet.index("[")
        gold.add((start, start + snippet.index("]") - snippet.index("[") - 1))
    return gold


def _texts(text: str, spans: list[Span], label: str) -> list[str]:
    return [text[s.start : s.end] for s in spans if s.label == label]


def test_seed_qty_recall(seed: str) -> None:
    gold = _gold(seed, SEED_QTY)
    found = {(s.start, s.end) for s in find_claims(seed) if s.label == "QTY"}
    recall = len(gold & found) / len(gold)
    assert recall >= 0.9, sorted(gold - found)


def test_seed_exclusions_and_examples(seed: str) -> None:
    spans = find_claims(seed)
    qty = _texts(seed, spans, "QTY")
    assert len(qty) == len(SEED_QTY)
    for excluded in ("2014", "2017", "أربع سنوات", "واحدة", "الأخيرة", "عدد"):
        assert not any(excluded in q for q in qty), excluded
    assert "أربع" not in qty
    ents = _texts(seed, spans, "ENT")
    for ent in ("مقاتلي الدولة الإسلامية", "شخص", "المدنيين", "الأسرى", "الرضع", "البلدين"):
        assert ent in ents
    times = _texts(seed, spans, "TIME")
    for time in ("خلال اليومين السابقين", "منذ ديسمبر", "يوم الأربعاء"):
        assert time in times
    assert "قبل أربع سنوات" not in times


def test_seed_spans_are_flat_and_on_word_boundaries(seed: str) -> None:
    spans = find_claims(seed)
    assert all(s.layer == "claims" and s.label in {"QTY", "ENT", "TIME"} for s in spans)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    spans_to_bio(tokenize(seed), spans)  # raises on a span off word boundaries


def test_seed_records_link_entity_and_time(seed: str) -> None:
    records = {r["text"]: r for r in claim_records(seed, find_claims(seed))}
    r = records["نحو 6500"]
    assert (r["value"], r["approx"], r["kind"]) == (6500, True, "count")
    assert (r["entity"], r["time"]) == ("شخص", "خلال اليومين السابقين")
    assert seed[r["entity_start"] : r["entity_end"]] == "شخص"
    assert seed[r["time_start"] : r["time_end"]] == "خلال اليومين السابقين"
    assert r["sentence"].startswith("وقالت قوات الدفاع الذاتى ان نحو 6500")
    assert seed[r["sentence_start"] :].startswith(r["sentence"])
    r = records["أكثر من ألفي"]
    assert (r["value"], r["lower"], r["lower_inclusive"], r["time"]) == (None, 2000, False, "يوم الأربعاء")
    r = records["ثلثاهم"]
    assert (r["value"], r["kind"], r["entity"]) == (2 / 3, "fraction", "الرضع")
    r = records["لآلاف"]
    assert (r["lower"], r["upper"], r["vague"], r["entity"]) == (3000, 9999, True, "المدنيين")


@pytest.mark.parametrize(
    "sentence",
    [
        "صدر القانون في عام 2014 .",
        "وتنص المادة 103 من الدستور على ذلك.",
        "احتل الفريق المركز الثالث للمرة الأولى.",
        "اختطفوا من المدينة قبل أربع سنوات .",
        "بدأ الاجتماع عند الساعة 18:40 مساء.",
        "يستسلم المقاتلون بأعداد كبيرة هذا الأسبوع.",
        "وقال مراسل فرانس 24 إن الوضع هادئ.",
        "فاز الفريق 2-1 على ضيفه.",
        "سجل الهدف في الدقيقة 90 من المباراة.",
        "وصل إلى الدور نصف النهائي للمرة الأولى.",
        "تأهل إلى دور الستة عشر من البطولة.",
        "ولد في 13 مايو 1990 في القاهرة.",
        "أطلقت مجموعة العشرين خطة G20 جديدة.",
        "عقدت الدول الثلاث اجتماعها بين 2010 و2013 في جنيف.",
        "عاد الرجل بعد ثلاثة أيام إلى منزله.",
        "وهو واحد من القوانين المقترحة.",
        "وصل بعد يوم واحد من الإعلان.",
        "شحن الأجهزة في وقت واحد.",
        "بدأت الجلسة عند الساعة الواحدة ظهرا.",
        "غادر البلاد قبل خمسة أعوام.",
        "وصل الوفد بعد 18 ساعة من التأخير.",
        "شهدت الخمس سنوات الأخيرة نموا كبيرا.",
        "عاش هناك سنة ونصف سنة.",
        "جاءت البلاد في المرتبة 12 عالميا.",
        "ارتفع مؤشر نيكي 225 الياباني.",
        "صدر القانون رقم 142 لسنة 2017.",
        "ويعقد الاجتماع يوم الأحد 12 مايو.",
        "سجل العداء زمن دقيقة و31 ثانية.",
        "اعتقل قبل نحو ثلاثة أشهر في بغداد.",
        "غادر البلاد قبل أكثر من سبع سنوات.",
        "شارك في مونديال 2018 وهي بطولة كبيرة.",
        "وقعت الحادثة في الـ 14 من الشهر الجاري.",
        "وصل الوفد يوم 15 من الشهر الجاري.",
        "قال أنا لست مسؤولا عن ذلك.",
        "فاز وست هام على ضيفه.",
        "دفع ثمنها كاملا.",
        "ألّف كتابا عن الحرب.",
        "تعادل الفريقان 1-1 في المباراة.",
        "خسر الفريق 1-3 أمام ضيفه.",
        "فاز اللاعب 7-5 و2-6 في المجموعتين.",
        "ارتفع مؤشر إس آند بي 500 الأمريكي.",
    ],
)
def test_excluded_numbers_give_no_qty(sentence: str) -> None:
    assert _texts(sentence, find_claims(sentence), "QTY") == []


def test_count_with_entity_and_weekday() -> None:
    text = "قتل 25 شخصا في الهجوم يوم الأحد."
    spans = find_claims(text)
    assert [(s.label, text[s.start : s.end]) for s in spans] == [("QTY", "25"), ("ENT", "شخصا"), ("TIME", "يوم الأحد")]
    [record] = claim_records(text, spans)
    assert (record["value"], record["entity"], record["time"]) == (25, "شخصا", "يوم الأحد")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وقتل يوم السبت 20 شخصا في الهجوم.", [("TIME", "يوم السبت"), ("QTY", "20"), ("ENT", "شخصا")]),
        # the day the ministry reported it, not the time of the fact (docs/annotation.md, TIME)
        ("وأعلنت الوزارة الجمعة 300 إصابة جديدة.", [("QTY", "300"), ("ENT", "إصابة")]),
        ("وأكد المتحدث أن قرابة الـ300 شخص اعتقلوا.", [("QTY", "قرابة الـ300"), ("ENT", "شخص")]),
        ("ونقل حوالي الألف جريح إلى المستشفيات.", [("QTY", "حوالي الألف"), ("ENT", "جريح")]),
        ("واستمرت الرحلة 18 ساعة و45 دقيقة.", [("QTY", "18 ساعة و45 دقيقة")]),
        ("ويمتد الطريق 120 كيلومترا.", [("QTY", "120 كيلومترا")]),
        ("وأصيب 1400 بجروح.", [("QTY", "1400")]),
        ("وانخفضت الكلفة بأكثر من النصف وأصبحت أرخص.", [("QTY", "بأكثر من النصف")]),
    ],
)
def test_counts_after_weekdays_and_articles_identifiers_with_units_and_no_false_entity(text: str, expected) -> None:
    """Guideline cases the rules once missed: a count right after a weekday, a definite number after an
    approximator, a length after a word that usually names an identifier, no ENT where nothing is counted."""
    assert [(s.label, text[s.start : s.end]) for s in find_claims(text)] == expected
    if text.startswith("وأكد"):
        [record] = claim_records(text, find_claims(text))
        assert (record["value"], record["approx"]) == (300, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قتل 40 شخصا منذ نحو سبع سنوات.", [("QTY", "40"), ("ENT", "شخصا"), ("TIME", "منذ نحو سبع سنوات")]),
        ("قتل أكثر من 500 ألف شخص منذ 2011.", [("QTY", "أكثر من 500 ألف"), ("ENT", "شخص"), ("TIME", "منذ 2011")]),
        ("قتل 300 شخص خلال 2018.", [("QTY", "300"), ("ENT", "شخص"), ("TIME", "خلال 2018")]),
        ("وصل 2000 لاجئ بحلول 2016.", [("QTY", "2000"), ("ENT", "لاجئ"), ("TIME", "بحلول 2016")]),
        ("نما الاقتصاد 3% في النصف الأول من العام.", [("ENT", "الاقتصاد"), ("QTY", "3%"), ("TIME", "النصف الأول من العام")]),
        ("نما الاقتصاد 20% في الربع الثالث من 2019.", [("ENT", "الاقتصاد"), ("QTY", "20%"), ("TIME", "الربع الثالث من 2019")]),
        ("تراجع 5% في الربع الأخير من العام الماضي.", [("QTY", "5%"), ("TIME", "الربع الأخير من العام الماضي")]),
        ("وقتل 12 يوم الخميس في غارة جوية.", [("QTY", "12"), ("TIME", "يوم الخميس")]),
        ("حكم عليه بالسجن لست سنوات.", [("QTY", "لست سنوات")]),
        ("وقعت ست دول وست منظمات على الاتفاق.", [("QTY", "ست"), ("ENT", "دول"), ("QTY", "وست"), ("ENT", "منظمات")]),
        ("قتل 10-15 شخصا في الهجوم.", [("QTY", "10-15"), ("ENT", "شخصا")]),
        ("قتل 20-25 من الجنود في الهجوم.", [("QTY", "20-25"), ("ENT", "الجنود")]),
        ("نزح ما بين 20-30 ألفا.", [("QTY", "20-30 ألفا")]),
        ("سجل 3 أهداف في النصف الأول من المباراة.", [("QTY", "3"), ("ENT", "أهداف")]),
        ("قتل 5 أشخاص قبل 2000 عام.", [("QTY", "5"), ("ENT", "أشخاص")]),
        ("ولست متأكدا من أن 3 أشخاص قتلوا.", [("QTY", "3"), ("ENT", "أشخاص")]),
    ],
)
def test_times_of_years_and_parts_of_years_and_numbers_beside_the_excluded_look_alikes(text: str, expected) -> None:
    """A year after منذ/خلال/بحلول and a part of a year scope a claim; a duration after قبل/منذ with an
    approximator is its TIME, not a QTY; the words that only look like numbers still count where they are."""
    assert [(s.label, text[s.start : s.end]) for s in find_claims(text)] == expected


def test_percent_with_period_and_bare_fi_left_out() -> None:
    text = "ارتفعت الأسعار بنسبة 20 في المئة في الشهر الماضي."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["20 في المئة"]
    assert _texts(text, spans, "TIME") == ["الشهر الماضي"]
    assert _texts(text, spans, "ENT") == ["الأسعار"]  # what the percentage measures, before it
    [record] = claim_records(text, spans)
    assert (record["value"], record["kind"], record["unit"], record["entity"]) == (20, "percent", "%", "الأسعار")


def test_clitic_number_is_its_whole_word_and_partitive_min_is_outside() -> None:
    text = "وأصيب نحو 30 جنديا و40 من المدنيين منذ الأحد."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["نحو 30", "و40"]
    assert _texts(text, spans, "ENT") == ["جنديا", "المدنيين"]
    records = claim_records(text, spans)
    assert [r["value"] for r in records] == [30, 40]
    assert records[1]["entity"] == "المدنيين" and records[1]["time"] == "منذ الأحد"


def test_money_and_range_records() -> None:
    text = "وقدمت الحكومة 100 مليون دولار لإيواء ما بين 10 و12 ألف نازح خلال العام الماضي."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["100 مليون دولار", "ما بين 10 و12 ألف"]
    money, rng = claim_records(text, spans)
    assert (money["value"], money["kind"], money["currency"], money["entity"]) == (100000000, "money", "USD", None)
    assert (rng["lower"], rng["upper"], rng["entity"]) == (10000, 12000, "نازح")
    assert rng["time"] == "خلال العام الماضي"


def test_year_word_scopes_claim_as_time() -> None:
    text = "وفي عام 2014 سيطر التنظيم على نحو ثلث العراق."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["نحو ثلث"]
    assert _texts(text, spans, "TIME") == ["عام 2014"]


def test_claim_records_on_arbitrary_spans() -> None:
    text = "فر 300 مدني من القرية. ووصل 200 يوم الجمعة."
    s1, s2 = text.index("300"), text.index("200")
    e1 = text.index("مدني")
    t2 = text.index("يوم الجمعة")
    spans = [
        Span(s2, s2 + 3, "QTY", "claims"),
        Span(s1, s1 + 3, "QTY", "claims"),
        Span(e1, e1 + 4, "ENT", "claims"),
        Span(t2, t2 + len("يوم الجمعة"), "TIME", "claims"),
        Span(0, 2, "PERS", "ner"),
    ]
    first, second = claim_records(text, spans)
    assert (first["text"], first["entity"], first["time"]) == ("300", "مدني", None)
    assert first["sentence"] == "فر 300 مدني من القرية." and first["sentence_start"] == 0
    # an ENT of another sentence links only when the record is cued to inherit it (test_inherited_links)
    assert (second["text"], second["entity"], second["time"]) == ("200", None, "يوم الجمعة")
    assert second["time_start"] == t2 and second["entity_start"] is None
    assert not second["entity_inherited"] and not second["time_inherited"]


def test_amounts_share_the_variable_they_measure() -> None:
    """Amounts after the first one of a sentence, with no ENT of their own, share its ENT; a count
    followed by آخرين takes the ENT of the QTY before it."""
    text = "وتراجعت أرباح الشركة بنحو 12% إلى 72.5 مليون ريال مقابل 82.5 مليون ريال. وقتل 5 من العناصر وأصيب 6 آخرين."
    records = claim_records(text, find_claims(text))
    assert [(r["text"], r["entity"]) for r in records] == [
        ("بنحو 12%", "أرباح الشركة"),
        ("72.5 مليون ريال", "أرباح الشركة"),
        ("82.5 مليون ريال", "أرباح الشركة"),
        ("5", "العناصر"),
        ("6", "العناصر"),
    ]
    assert not any(r["entity_inherited"] for r in records)


def test_a_time_does_not_scope_the_clause_before_a_comma_and_conjunction() -> None:
    text = "ولعب اللاعب 92 مرة للمنتخب، وانتخب أحسن لاعب 5 مرات منذ 2011."
    records = {r["text"]: r for r in claim_records(text, find_claims(text))}
    assert (records["92"]["time"], records["5"]["time"]) == (None, "منذ 2011")


def test_each_amount_of_a_list_takes_the_time_of_its_clause() -> None:
    """The nearer TIME across a comma loses to the one of the amount's own clause."""
    text = "وكانت العائدات على النحو التالي: 451 مليون دولار في يناير، و435 مليون دولار في فبراير، و463 مليون دولار في مارس."
    records = claim_records(text, find_claims(text))
    assert [r["time"] for r in records] == ["يناير", "فبراير", "مارس"]


def test_inherited_links() -> None:
    """A sentence opening with a continuation word (كما, أما) inherits the TIME of the nearest earlier
    sentence of its paragraph that has one; a count followed by آخرين with no ENT in its sentence inherits
    the ENT; the sentence's own spans win, and nothing crosses a blank line or comes without a cue."""
    text = (
        "إذ سقط 37 قتيلا منذ الأربعاء. أما التنظيم فقتل منه 58 مسلحا. وتم نقل مئات آخرين إلى المستشفى. "
        "وأصيب 9 أشخاص.\n\nكما قتل 4 جنود."
    )
    records = {r["text"]: r for r in claim_records(text, find_claims(text))}
    inherited = records["58"]
    assert (inherited["time"], inherited["time_inherited"], inherited["entity"], inherited["entity_inherited"]) == (
        "منذ الأربعاء",
        True,
        "مسلحا",
        False,
    )
    assert text[inherited["time_start"] : inherited["time_end"]] == "منذ الأربعاء"
    others = records["مئات"]
    assert (others["entity"], others["entity_inherited"], others["time"]) == ("مسلحا", True, None)
    assert (records["9"]["time"], records["9"]["time_inherited"]) == (None, False)  # no cue
    assert (records["4"]["time"], records["4"]["time_inherited"]) == (None, False)  # another paragraph


def test_claim_records_nearest_entity_wins() -> None:
    text = "من بين 60 ألف شخص في المخيم وصل 50 ألف لاجئ."
    spans = find_claims(text)
    records = claim_records(text, spans)
    assert [(r["text"], r["entity"]) for r in records] == [("60 ألف", "شخص"), ("50 ألف", "لاجئ")]


def test_unreadable_model_span_gives_null_record() -> None:
    text = "يقاتل عدد كبير من المقاتلين."
    at = text.index("عدد كبير")
    [record] = claim_records(text, [Span(at, at + len("عدد كبير"), "QTY", "claims")])
    assert (record["value"], record["lower"], record["upper"], record["kind"]) == (None, None, None, None)
    assert record["text"] == "عدد كبير"


def test_number_glued_to_its_noun_is_left_out() -> None:
    text = "توفي الشاب عن 15عاما في الحادث."
    assert find_claims(text) == []


def test_invisible_mark_stays_inside_the_span_and_offsets_hold() -> None:
    text = "تراجعت الصادرات بنسبة 18\u200e% في الربع الأول. وقتل 12\u200e شخصا."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["18\u200e%", "12"]
    assert _texts(text, spans, "ENT") == ["الصادرات", "شخصا"]
    spans_to_bio(tokenize(text), spans)
    percent, count = claim_records(text, spans)
    assert (percent["value"], percent["kind"], percent["unit"]) == (18, "percent", "%")
    assert text[percent["start"] : percent["end"]] == "18\u200e%"
    assert (count["value"], count["entity"]) == (12, "شخصا")


def test_unit_like_nouns_are_inside_the_qty() -> None:
    text = "وافق الطرفان على هدنة لعشرين يوماً، وارتفع المؤشر 35 نقطة، وتوفي الكاتب عن 81 عاما."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["لعشرين يوماً", "35 نقطة", "81 عاما"]
    assert _texts(text, spans, "ENT") == ["هدنة", "المؤشر"]  # what they measure; an age: the person is left out
    records = claim_records(text, spans)
    assert [(r["value"], r["kind"], r["unit"]) for r in records] == [
        (20, "measure", "يوماً"),
        (35, "measure", "نقطة"),
        (81, "measure", "عاما"),
    ]


def test_cents_and_per_unit_prices() -> None:
    text = "وصعد سعر الخام 40 سنتا إلى 68.10 دولار للبرميل، ورصدت الحكومة 5 مليارات دولار للعام المقبل."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["40 سنتا", "68.10 دولار للبرميل", "5 مليارات دولار"]
    cents, price, budget = claim_records(text, spans)
    assert (cents["value"], cents["kind"], cents["currency"], cents["unit"]) == (40, "money", None, "سنتا")
    assert (price["value"], price["currency"], price["unit"]) == (68.1, "USD", "دولار للبرميل")
    assert (budget["value"], budget["unit"]) == (5 * 10**9, "دولار")


def test_approximating_verbs_are_approximators() -> None:
    text = "بلغ عدد النازحين رقما يقترب من 900 ألف، وخسائر تناهز 3 مليارات دولار، وتناهز الديون 40 مليارا."
    spans = find_claims(text)
    # only right before the number: in تناهز الديون 40 the verb is not part of the quantity
    assert _texts(text, spans, "QTY") == ["يقترب من 900 ألف", "تناهز 3 مليارات دولار", "40 مليارا"]
    first, second, third = claim_records(text, spans)
    assert (first["value"], first["approx"]) == (900000, True)
    assert (second["value"], second["approx"], second["currency"]) == (3 * 10**9, True, "USD")
    assert (third["value"], third["approx"]) == (40 * 10**9, False)


def test_durations_scoping_a_claim_and_unit_before_punctuation() -> None:
    text = "يعيش في المخيم 400 لاجئ منذ ثلاث سنوات. واستمر الخطاب 90 دقيقة: تحدث فيه عن الاقتصاد."
    spans = find_claims(text)
    assert _texts(text, spans, "QTY") == ["400", "90 دقيقة"]
    assert _texts(text, spans, "TIME") == ["منذ ثلاث سنوات"]
    text = "انخفضت الحرارة إلى عشر درجات تحت الصفر."
    assert _texts(text, find_claims(text), "QTY") == ["عشر درجات"]


def test_read_claims_drops_quantities_that_read_as_no_number() -> None:
    text = "زيارة تأتي في ظل الحرب وملف الإرهاب. وقتل نحو 40 شخصا في عشرات القرى."

    def at(word: str, label: str) -> Span:
        start = text.index(word)
        return Span(start, start + len(word), label, "claims")

    spans = [at("وملف", "QTY"), at("الإرهاب", "ENT"), at("نحو 40", "QTY"), at("شخصا", "ENT"), at("عشرات", "QTY")]
    kept, records = read_claims(text, spans)
    assert kept == [spans[1], spans[2], spans[3], spans[4]]
    assert [r["text"] for r in records] == ["نحو 40", "عشرات"]
    assert records == claim_records(text, kept)


# The gold files systems have been scored on; data/gold/claims-blind2.jsonl stays out until a model is
# retrained without its articles (issue #21: no figure on a blind set before that).
GOLD_SCORED = ("claims-blind.jsonl", "claims-dev.jsonl", "claims-test.jsonl", "seed.jsonl")


def test_read_claims_keeps_the_hand_annotated_spans(shared_data: Path) -> None:
    """Only QTY spans the normalizer cannot read are dropped, and no ENT or TIME: none of the 268 gold
    quantities since the normalizer reads ``بين X إلى Y`` and ``عاما واحدا`` (issue #21, from articles
    outside the gold files; before, these 2 of the blind test articles were dropped)."""
    root = Path(__file__).resolve().parent.parent
    texts = {"seed-000_5aed8b592000b0fd": SEED.read_text(encoding="utf-8")}
    texts.update(corpus_articles(sorted((shared_data / "ant-news").glob("*.jsonl"))))
    quantities, dropped = 0, []
    for name in GOLD_SCORED:
        path = root / "data" / "gold" / name
        for line in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            spans = [Span(s["start"], s["end"], s["label"], s["layer"]) for s in line["spans"] if s["layer"] == "claims"]
            kept, _ = read_claims(texts[line["id"]], spans)
            dropped += [texts[line["id"]][s.start : s.end] for s in spans if s not in kept]
            assert all(s.label == "QTY" for s in spans if s not in kept)
            quantities += sum(s.label == "QTY" for s in spans)
    assert quantities == 268
    assert dropped == []


LABELS = ("Excluded", "Kept", "Included", "Found", "Not found", "Counted", "Uncounted")


def _examples(rule, label: str) -> list[tuple[str, tuple[int, int] | None]]:
    """The examples after ``label:`` in ``rule``'s docstring (up to the next label): each text without its
    brackets, and the offsets of what ``[...]`` marks (None when nothing is marked)."""
    doc = inspect.getdoc(rule) or ""
    others = "|".join(other for other in LABELS if other != label)
    section = re.search(rf"^{label}:(.*?)(?=^(?:{others}):|\Z)", doc, re.M | re.S)
    examples = []
    for text in re.findall(r"``(.+?)``", section.group(1) if section else "", re.S):
        marked = (text.index("["), text.index("]") - 1) if "[" in text else None
        examples.append((text.replace("[", "").replace("]", ""), marked))
    return examples


def _spans(text: str, label: str) -> set[tuple[int, int]]:
    return {(s.start, s.end) for s in find_claims(text) if s.label == label}


def _view(text: str) -> SentenceView:
    [sentence] = split_sentences(text)
    return SentenceView(sentence.tokens)


def _words(view: SentenceView, marked: tuple[int, int]) -> tuple[int, int]:
    """The first and last words of the marked offsets."""
    starts, ends = [t.start for t in view.tokens], [t.end for t in view.tokens]
    return starts.index(marked[0]), ends.index(marked[1])


@pytest.mark.parametrize("rule", EXCLUSIONS, ids=lambda rule: rule.__name__)
def test_each_exclusion_is_the_rule_that_excludes_its_examples(rule) -> None:
    """Each exclusion's docstring examples: the marked quantity is read by the grammar, this rule is the
    first to exclude it, and the tagger gives no QTY there; its kept examples are QTYs."""
    excluded = _examples(rule, "Excluded")
    assert excluded, f"{rule.__name__} has no examples"
    for text, marked in excluded:
        view = _view(text)
        candidates = [c for i in range(len(view.toks)) if (c := view.candidate_at(i)) is not None]
        mine = [c for c in candidates if (view.tokens[c.first].start, view.tokens[c.last].end) == marked]
        assert mine and all(exclusion(view, c) is rule for c in mine), (text, [exclusion(view, c) for c in mine])
        assert marked not in _spans(text, "QTY"), text
    for text, marked in _examples(rule, "Kept"):
        assert marked in _spans(text, "QTY"), text


@pytest.mark.parametrize("rule", INCLUSIONS, ids=lambda rule: rule.__name__)
def test_each_inclusion_names_the_quantities_of_its_examples(rule) -> None:
    """Each inclusion's docstring examples: the marked quantity is a QTY, and this rule is the first of
    :data:`INCLUSIONS` that applies to it (the one ``tag --explain`` names)."""
    included = _examples(rule, "Included")
    assert included, f"{rule.__name__} has no examples"
    for text, marked in included:
        assert marked in _spans(text, "QTY"), text
        view = _view(text)
        [mine] = [c for i in range(len(view.toks)) if (c := view.candidate_at(i)) and _offsets(view, c) == marked]
        assert inclusion(view, mine) is rule, (text, inclusion(view, mine).__name__)


def _offsets(view: SentenceView, c) -> tuple[int, int]:
    return view.tokens[c.first].start, view.tokens[c.last].end


@pytest.mark.parametrize("rule", TIME_RULES + BARE_TIMES, ids=lambda rule: rule.__name__)
def test_each_time_rule_finds_its_examples(rule) -> None:
    """Each TIME rule's docstring examples: the rule gives the marked words (a bare time: its end, from a
    word inside them) and the tagger tags them TIME beside the claim."""
    found = _examples(rule, "Found")
    assert found or rule.__name__ == "bare", f"{rule.__name__} has no examples"
    for text, marked in found:
        view = _view(text)
        first, last = _words(view, marked)
        if rule in TIME_RULES:
            assert any(rule(view, w) == (first, last) for w in range(len(view.words))), text
        else:
            assert any(rule(view, w) == last for w in range(first, last + 1)), text
        assert marked in _spans(text, "TIME"), text
    for text, _ in _examples(rule, "Not found"):
        assert not _spans(text, "TIME"), text


def test_reported_examples() -> None:
    """A weekday that dates a report is no TIME; one that dates the fact is."""
    found, not_found = _examples(reported, "Found"), _examples(reported, "Not found")
    assert found and not_found
    for text, marked in found:
        assert marked in _spans(text, "TIME"), text
    for text, _ in not_found:
        assert _spans(text, "QTY") and not _spans(text, "TIME"), text


@pytest.mark.parametrize("rule", [counted_noun, measured_after, measured_variable], ids=lambda rule: rule.__name__)
def test_entity_rule_examples(rule) -> None:
    """Each ENT rule's docstring examples: the marked words are an ENT; the uncounted give a QTY and no ENT."""
    counted, uncounted = _examples(rule, "Counted"), _examples(rule, "Uncounted")
    assert counted
    for text, marked in counted:
        assert marked in _spans(text, "ENT"), text
    for text, _ in uncounted:
        assert _spans(text, "QTY") and not _spans(text, "ENT"), text


def test_noun_counted_by_one_examples() -> None:
    """``واحد`` after the noun it counts is a QTY and that noun its ENT; in the other examples no QTY
    holds a ``واحد``."""
    counted, uncounted = _examples(noun_counted_by_one, "Counted"), _examples(noun_counted_by_one, "Uncounted")
    assert counted and uncounted
    for text, marked in counted:
        assert marked in _spans(text, "ENT"), text
        assert any(text[start:end].startswith("واحد") and start > marked[1] for start, end in _spans(text, "QTY")), text
    for text, _ in uncounted:
        assert not any("واحد" in text[start:end] for start, end in _spans(text, "QTY")), text


# Issue #21's gaps, seen on ant-news articles that are in no gold file and in no gold selection
# (data/gold/selection.json); each group names its articles (docno without the date).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ترليون, the spelling without ي (SK-technology-1491, SK-technology-1368, SK-middleEast-933)
        ("تصل قيمتها إلى ترليون دولار في التاريخ.", [("ENT", "قيمتها"), ("QTY", "ترليون دولار")]),
        # the measured variable stops at the name (the guidelines' ENT: قيمة أبل السوقية)
        ("وصول قيمة أبل السوقية 1 ترليون دولار كأول شركة.", [("ENT", "أبل السوقية"), ("QTY", "1 ترليون دولار")]),
        ("حيث يضم 50.97 ترليون متر مكعب من الغاز.", [("QTY", "50.97 ترليون متر مكعب"), ("ENT", "الغاز")]),
        # ألوف, عشرات الألوف, مئات الآلاف (CN-middleEast-329, BB-internationalNews-225, FR-middleEast-697)
        ("في وقت هرب فيه عشرات الألوف عبر الممرات.", [("QTY", "عشرات الألوف")]),
        ("شارك مئات الآلاف من الأمريكيين في مسيرات.", [("QTY", "مئات الآلاف"), ("ENT", "الأمريكيين")]),
        ("طالت عشرات الآلاف أو مئات الآلاف من الأطفال.", [("QTY", "عشرات الآلاف"), ("QTY", "مئات الآلاف"), ("ENT", "الأطفال")]),
        # ranges بين X إلى Y (SK-economy-774, SK-technology-28, BB-technology-56) and من X إلى Y (BB-middleEast-819)
        ("تدعم الإنتاج بنسبة تراوح بين 55 إلى 109 بالمئة من خلال برامج.", [("QTY", "بين 55 إلى 109 بالمئة")]),
        ("يصاب سنويا ما بين 5 إلى 20 في المئة من السكان.", [("QTY", "ما بين 5 إلى 20 في المئة"), ("ENT", "السكان")]),
        ("مات في عمر تراوح بين 18 إلى 21 عاما.", [("QTY", "بين 18 إلى 21 عاما")]),
        ("تتكلف العملية من 20 إلى 30 ألف جنيه مصري.", [("ENT", "العملية"), ("QTY", "من 20 إلى 30 ألف جنيه مصري")]),
        # a count after a colon (BB-middleEast-694, FR-internationalNews-2085) or a year (the example)
        ("الأمم المتحدة: 270 ألف نازح بسبب القتال.", [("QTY", "270 ألف"), ("ENT", "نازح")]),
        ("منظمة الوحدة الأفريقية: 55 سنة من الوجود.", [("QTY", "55 سنة"), ("ENT", "الوجود")]),
        ("وبلغ عدد اللاجئين في 2019 : 10000 شخص.", [("TIME", "2019"), ("QTY", "10000"), ("ENT", "شخص")]),
        # واحد/واحدة counting (AL-technology-225, CN-internationalNews-186, SK-sport-1052, BB-sport-344, the
        # issue's دولار أمريكي واحد), not as a pronoun (CN-internationalNews-683) or with the article (SK-internationalNews-2998)
        ("يستخدمون فيسبوك مرة واحدة على الأقل يوميا.", [("ENT", "مرة"), ("QTY", "واحدة على الأقل")]),
        ("قامت السويد بطرد دبلوماسي واحد.", [("ENT", "دبلوماسي"), ("QTY", "واحد")]),
        (
            "وحقق ليفربول انتصارا واحدا في آخر 5 مباريات.",
            [("ENT", "انتصارا"), ("QTY", "واحدا"), ("QTY", "5"), ("ENT", "مباريات")],
        ),
        ("كانت تبلغ من العمر عاما واحدا عندما فازت.", [("QTY", "عاما واحدا")]),
        ("ولا يتجاوز سعر السهم دولارا أمريكيا واحدا.", [("ENT", "سعر السهم"), ("QTY", "دولارا أمريكيا واحدا")]),
        ("والقانون هو واحد من المشاريع المقترحة.", []),
        ("بلغ 7.24 ليرة للدولار الواحد.", [("QTY", "7.24 ليرة للدولار الواحد")]),
        # units (SK-economy-614, BB-economy-243; كرونة and ليتر: the issue's)
        ("تقدر احتياطاته بثلاثين تريليون قدم مكعبة من الغاز.", [("QTY", "بثلاثين تريليون قدم مكعبة"), ("ENT", "الغاز")]),
        ("تطبق الضريبة بواقع 4 بيزو لكل دولار.", [("ENT", "الضريبة"), ("QTY", "4 بيزو")]),
        (
            "بلغ سعر التذكرة 100 كرونة سويدية و20 ليترا من الوقود.",
            [("ENT", "سعر التذكرة"), ("QTY", "100 كرونة سويدية"), ("QTY", "و20 ليترا"), ("ENT", "الوقود")],
        ),
    ],
)
def test_gaps_seen_on_articles_outside_the_gold(text: str, expected) -> None:
    assert [(s.label, text[s.start : s.end]) for s in find_claims(text)] == expected


def test_gap_records_bounds_units_and_entities() -> None:
    """The records of the gaps: scale, vague bounds, a range, a count after a colon, one of a unit, a
    currency by its qualifier, and the noun before a counting واحد linked to it."""
    text = (
        "وصلت قيمة أبل إلى 1 ترليون دولار. هرب عشرات الألوف. تراوح الدعم بين 55 إلى 109 بالمئة. "
        "الأمم المتحدة: 270 ألف نازح. كلفت دولارا أمريكيا واحدا. بلغ 100 كرونة سويدية. قتل 5 أشخاص ورجل واحد."
    )
    records = {r["text"]: r for r in claim_records(text, find_claims(text))}
    assert (records["1 ترليون دولار"]["value"], records["1 ترليون دولار"]["currency"]) == (10**12, "USD")
    assert (records["عشرات الألوف"]["lower"], records["عشرات الألوف"]["upper"], records["عشرات الألوف"]["vague"]) == (
        30000,
        99999,
        True,
    )
    rng = records["بين 55 إلى 109 بالمئة"]
    assert (rng["value"], rng["lower"], rng["upper"], rng["kind"]) == (None, 55, 109, "percent")
    assert (records["270 ألف"]["value"], records["270 ألف"]["entity"]) == (270000, "نازح")
    one = records["دولارا أمريكيا واحدا"]
    assert (one["value"], one["kind"], one["unit"], one["currency"]) == (1, "money", "دولار أمريكي", "USD")
    assert records["100 كرونة سويدية"]["currency"] == "SEK"
    assert (records["5"]["entity"], records["واحد"]["entity"], records["واحد"]["value"]) == ("أشخاص", "ورجل", 1)
