"""The PDF evaluation form, through WeasyPrint, with the packaged DejaVu Serif embedded.

The font ships in ``fonts/`` (Bitstream Vera licence, see fonts/LICENSE.txt) so that every
Vietnamese glyph renders whatever fonts the server has; WeasyPrint embeds the subset it uses.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.template import Context, Engine
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .data import EvaluationFormData
from .wording import evaluation_form_context

PACKAGE = Path(__file__).parent
FONTS = {
    "regular": PACKAGE / "fonts" / "DejaVuSerif.ttf",
    "bold": PACKAGE / "fonts" / "DejaVuSerif-Bold.ttf",
    "italic": PACKAGE / "fonts" / "DejaVuSerif-Italic.ttf",
}


@cache
def _engine() -> Engine:
    # A private engine: the documents need no app registry entry and no project template settings.
    return Engine(dirs=[str(PACKAGE / "templates")], autoescape=True)


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def evaluation_form_pdf(data: EvaluationFormData) -> bytes:
    """The person's evaluation form of their category (Mẫu số 01/02/03) as a PDF with its font embedded."""
    context = evaluation_form_context(data)
    context["fonts"] = {style: path.as_uri() for style, path in FONTS.items()}
    html = (
        _engine().get_template("documents/evaluation_form.html").render(Context(context, use_l10n=False, use_tz=False))
    )
    return HTML(string=html, base_url=str(PACKAGE)).write_pdf(font_config=_font_config())
