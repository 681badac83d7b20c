"""Ordinary pages (``content/pages``): Markdown with the catalogue's strict front matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pelican.readers import BaseReader

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.reading import MAX_FILE_SIZE, read_page_meta
from appel_a_communs.site.markup import render_markdown


class FrontMatterReader(BaseReader):
    """Markdown with strict YAML front matter; Pelican's own keys cannot be set from it."""

    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        path = Path(source_path)
        try:
            checked = self.settings.get("CATALOGUE_SETTINGS")
            limit = checked.max_file_size if checked else MAX_FILE_SIZE
            meta, body = read_page_meta(path, limit)
        except ContentErrors as exc:
            # Reported with every other content error by CatalogueGenerator.
            return "", {"title": path.stem, "status": "hidden", "content_errors": exc.errors}
        metadata: dict[str, Any] = {"title": meta.title, "slug": meta.slug}
        if meta.summary:
            metadata["summary"] = meta.summary
        if meta.order is not None:
            metadata["order"] = meta.order
        return render_markdown(body, allow_placeholders=True), metadata


def add_reader(readers: Any) -> None:
    for extension in FrontMatterReader.file_extensions:
        readers.reader_classes[extension] = FrontMatterReader
