"""The DOCX templates shipped in the package are the ones build_templates makes."""

from __future__ import annotations

import io
import zipfile

import pytest

from congtam.documents import build_templates


@pytest.mark.parametrize(
    ("build", "shipped"),
    [
        (build_templates.build_evaluation_form, build_templates.EVALUATION_FORM),
        (build_templates.build_meeting_minutes, build_templates.MEETING_MINUTES),
    ],
)
def test_the_shipped_template_matches_its_builder(build, shipped):
    built = io.BytesIO()
    build().save(built)
    with zipfile.ZipFile(built) as fresh, zipfile.ZipFile(shipped) as kept:
        assert fresh.read("word/document.xml") == kept.read("word/document.xml"), (
            "run `python -m congtam.documents.build_templates` and commit the templates"
        )
        assert fresh.read("word/styles.xml") == kept.read("word/styles.xml")
