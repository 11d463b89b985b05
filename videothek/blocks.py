"""StreamField blocks of the Videothek: the materials beside a video (documents and links)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    url = blocks.URLBlock(label=_("Address"))

    class Meta:
        icon = "link"
        label = _("Link")


class MaterialsBlock(blocks.StreamBlock):
    document = DocumentChooserBlock(label=_("Document"))
    link = LinkBlock()
