import pytest
from django.utils import translation

from participation.text.readability import lix, lix_label


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_lix_of_a_worked_example():
    # Words (11): Kommunen* har lagt planforslaget* ut på høring | Alle kan sende innspill*
    # Long words, more than six letters (*): 3. Sentences: 2.
    # LIX = 11 / 2 + 100 * 3 / 11 = 5.5 + 27.27 = 32.77
    text = "Kommunen har lagt planforslaget ut på høring. Alle kan sende innspill!"

    assert lix(text) == pytest.approx(11 / 2 + 300 / 11)
    assert lix_label(lix(text)) == "easy"


def test_lix_counts_a_heading_as_a_sentence_and_ignores_markup():
    # Words (5): Planforslaget* | Alle kan sende innspill*. Sentences: 2 (heading, paragraph).
    # LIX = 5 / 2 + 100 * 2 / 5 = 2.5 + 40 = 42.5
    html = '<h2 class="x">Planforslaget</h2><p>Alle kan <strong>sende</strong> innspill</p>'

    assert lix(html) == pytest.approx(42.5)


def test_lix_counts_line_breaks_colons_and_question_marks_as_sentence_ends():
    # Words (7, none long): Frist | 1 mai | Hva nå | Send inn. Sentences: 4, since "1. mai"
    # goes on. LIX = 7 / 4.
    assert lix("Frist: 1. mai\nHva nå? Send inn") == pytest.approx(7 / 4)


def test_a_full_stop_before_a_small_letter_does_not_end_the_sentence():
    # Words (9, none long): Vi tar f eks en tur i mai | Bra. Sentences: 2. LIX = 9 / 2.
    assert lix("Vi tar f.eks. en tur i mai. Bra.") == pytest.approx(9 / 2)


def test_lix_of_text_without_words_is_zero():
    assert lix("") == 0.0
    assert lix("  ... !? \n\n") == 0.0
    assert lix("<p></p>") == 0.0


def test_entities_in_html_are_read_as_text():
    # Tre & fire ord: 3 words ("&" is none), one sentence, no long words.
    assert lix("<p>Tre &amp; fire ord</p>") == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0, "very easy"),
        (24.9, "very easy"),
        (25, "easy"),
        (34.9, "easy"),
        (35, "medium"),
        (44.9, "medium"),
        (45, "difficult"),
        (54.9, "difficult"),
        (55, "very difficult"),
        (80, "very difficult"),
    ],
)
def test_lix_label_names_the_band(score, label):
    assert lix_label(score) == label
