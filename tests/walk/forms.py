"""The forms a page offers, read from its HTML as a browser would, and filled in as a person
would: what the page already holds, the first choice of each list, a word or a number in each
blank. The POST walk sends them back, then sends them again with hostile values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Form:
    action: str  # the path (and query) the form posts to
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, value)
    files: list[str] = field(default_factory=list)  # names of file inputs
    has_text: bool = False

    @property
    def key(self) -> tuple:
        return (self.action, tuple(sorted({name for name, _kind, _value in self.fields})), tuple(self.files))

    def with_token(self, token: str) -> Form:
        """The form with the CSRF token of the session that sends it."""
        fields = [(name, kind, token if name == "csrfmiddlewaretoken" else value) for name, kind, value in self.fields]
        return Form(self.action, fields, list(self.files), self.has_text)

    def filled(self) -> list[tuple[str, str]]:
        """The values a person would send: what the page holds, the blanks filled in."""
        data: list[tuple[str, str]] = []
        seen_radio: set[str] = set()
        for name, kind, value in self.fields:
            if kind == "radio":
                if name in seen_radio:
                    continue
                seen_radio.add(name)
            data.append((name, value or _blank(kind, name)))
        return data

    def hostile(self, value: str) -> list[tuple[str, str]]:
        """The same form with ``value`` in every field a person types into (the CSRF token kept)."""
        return [
            (name, current if name == "csrfmiddlewaretoken" or kind in ("checkbox", "radio", "submit") else value)
            for name, kind, current in self.fields
        ]


TEXT_KINDS = {"text", "textarea", "search", "email", "url", "number", "date", "tel", "", "select", "hidden"}


def _blank(kind: str, name: str) -> str:
    if kind == "number":
        return "1"
    if kind == "date":
        return date.today().isoformat()
    if kind == "url":
        return "https://vanban.quochoi.vn/van-ban/1"
    if kind == "email":
        return "walk@example.vn"
    if kind in ("hidden", "select", "submit"):
        return ""
    return "Nội dung kiểm tra"


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.select_first: str | None = None
        self.textarea: str | None = None
        self.textarea_text: list[str] = []
        self.submit_taken = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value or "") for name, value in attrs}
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("hx-post") or attrs.get("action") or self.page_url
            if method == "post" or "hx-post" in attrs:
                parts = urlsplit(urljoin(self.page_url, action))
                self.current = Form(action=parts.path + (f"?{parts.query}" if parts.query else ""))
                self.submit_taken = False
            return
        form = self.current
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs or kind == "radio" or name not in {n for n, _k, _v in form.fields}:
                    form.fields.append((name, kind, attrs.get("value") or "on"))
            elif kind in ("submit", "image"):
                if not self.submit_taken:
                    self.submit_taken = True
                    form.fields.append((name, "submit", attrs.get("value", "")))
            elif kind not in ("button", "reset"):
                form.fields.append((name, kind, attrs.get("value", "")))
                form.has_text = form.has_text or kind in TEXT_KINDS - {"hidden"}
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            if not self.submit_taken:
                self.submit_taken = True
                form.fields.append((name, "submit", attrs.get("value", "")))
        elif tag == "select" and name:
            self.select, self.select_value, self.select_first = name, None, None
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select_first is None and value:
                self.select_first = value
            if "selected" in attrs:
                self.select_value = value
        elif tag == "textarea" and name:
            self.textarea, self.textarea_text = name, []

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea_text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None
        elif tag == "select" and self.select is not None and self.current is not None:
            value = self.select_value if self.select_value is not None else (self.select_first or "")
            self.current.fields.append((self.select, "select", value))
            self.current.has_text = True
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.current is not None:
            self.current.fields.append((self.textarea, "textarea", "".join(self.textarea_text).strip()))
            self.current.has_text = True
            self.textarea = None


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms
