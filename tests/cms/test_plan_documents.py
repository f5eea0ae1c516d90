"""A plan page lists its documents (title, type, size) and the demo plan carries real ones."""

from http import HTTPStatus

from wagtail.documents import get_document_model

from cms.models import PlanPage


def test_the_demo_plan_page_lists_its_pdf_documents_with_type_and_size(client, demo_site):
    page = PlanPage.objects.get(slug="sentrum-skole-og-park")
    documents = [block.value for block in page.documents]
    assert len(documents) == 2

    html = client.get(page.url).content.decode()

    for document in documents:
        assert f'href="{document.url}">{document.title}</a>' in html
        assert document.file_extension == "pdf"
        assert "(PDF, " in html.split(document.title, 2)[1].split("</li>")[0]
        response = client.get(document.url)
        assert response.status_code == HTTPStatus.OK
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_loading_the_demo_again_makes_no_second_set_of_documents(demo_site):
    count = get_document_model().objects.count()

    demo_site.load()

    assert get_document_model().objects.count() == count
    page = PlanPage.objects.get(slug="sentrum-skole-og-park")
    assert len(page.documents) == 2


def test_the_map_points_to_the_documents_only_when_the_plan_has_some(client, demo_site):
    page = PlanPage.objects.get(slug="sentrum-skole-og-park")
    sentence = "Plandokumentene beskriver området"

    html = client.get(page.url).content.decode()
    assert f'<a class="ds-link" href="#documents">{sentence}' in html
    assert 'id="documents"' in html

    page.documents = []
    page.save_revision().publish()
    assert sentence not in client.get(page.url).content.decode()
