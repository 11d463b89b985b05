"""StreamField blocks of a lesson: content blocks and the interactive ones whose answers are kept per block id."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtailmedia.blocks import VideoChooserBlock

# Block types whose answers are stored in BlockResponse / QuizAttempt, keyed by the block's id.
INTERACTIVE_TYPES = frozenset({"checklist", "reflection", "quiz"})


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    anchor = blocks.CharBlock(
        label=_("Anchor"),
        required=False,
        max_length=80,
        help_text=_("Part of the link to this heading (#anchor); made from the heading if empty."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"


def heading_anchor(value) -> str:
    """The anchor of a heading block: the editor's, or one made from the text."""
    return slugify(value.get("anchor") or value.get("text") or "")[:80] or "abschnitt"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Alternative text"), required=False, help_text=_("Describes the image for people who cannot see it.")
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video: an uploaded file in a native player, a Videothek page, or an external player behind consent."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    media = VideoChooserBlock(label=_("Uploaded video"), required=False)
    captions = DocumentChooserBlock(
        label=_("Captions (WebVTT)"), required=False, help_text=_("A .vtt file with German captions.")
    )
    video_page = blocks.PageChooserBlock(
        label=_("Videothek page"), required=False, help_text=_("A video page of the Videothek.")
    )
    external_url = blocks.URLBlock(
        label=_("External video"),
        required=False,
        help_text=_("E.g. a YouTube or Vimeo address. It loads only after the visitor agrees with a click."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("media") or value.get("video_page") or value.get("external_url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "media": forms.ValidationError(_("Choose an uploaded video, a Videothek page or an address."))
                }
            )
        return value


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tipp", _("Tip")), ("achtung", _("Caution")), ("beispiel", _("Example"))],
        default="tipp",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class ChecklistItemBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Item"), max_length=300)
    required = blocks.BooleanBlock(
        label=_("Required"),
        required=False,
        help_text=_("The lesson completes only when all required items are ticked."),
    )


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    items = blocks.ListBlock(ChecklistItemBlock(), label=_("Items"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Checklist")
        template = "courses/blocks/checklist.html"


class ReflectionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=500)
    hint = blocks.TextBlock(label=_("Hint"), required=False)
    lines = blocks.IntegerBlock(
        label=_("Writing lines on paper"), default=6, min_value=2, max_value=30, help_text=_("Space in the handbook.")
    )

    class Meta:
        icon = "edit"
        label = _("Reflection question")
        template = "courses/blocks/reflection.html"


class QuizOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.CharBlock(label=_("Feedback"), required=False, max_length=500)


class QuizQuestionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Question"), max_length=500)
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("single", _("Single choice")), ("multiple", _("Multiple choice"))],
        default="single",
    )
    options = blocks.ListBlock(QuizOptionBlock(), label=_("Answers"), min_num=2)

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        if correct == 0:
            raise blocks.StructBlockValidationError(
                block_errors={"options": forms.ValidationError(_("Mark at least one answer as correct."))}
            )
        if value["kind"] == "single" and correct > 1:
            raise blocks.StructBlockValidationError(
                block_errors={"options": forms.ValidationError(_("A single-choice question has one correct answer."))}
            )
        return value


class QuizBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    questions = blocks.ListBlock(QuizQuestionBlock(), label=_("Questions"), min_num=1)
    pass_mark = blocks.IntegerBlock(label=_("Pass mark (%)"), default=80, min_value=0, max_value=100)
    max_attempts = blocks.IntegerBlock(
        label=_("Attempts"), default=3, min_value=0, max_value=20, help_text=_("0 means unlimited.")
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"


class DownloadItemBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(label=_("Label"), required=False, max_length=200)


class DownloadsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    files = blocks.ListBlock(DownloadItemBlock(), label=_("Files"), min_num=1)

    class Meta:
        icon = "doc-full"
        label = _("Downloads")
        template = "courses/blocks/downloads.html"


class HandbookExcerptBlock(blocks.StructBlock):
    """„Aus dem Handbuch“: a short excerpt with a link to a lesson (and heading) of the handbook."""

    lesson = blocks.PageChooserBlock(label=_("Lesson"), page_type="courses.LessonPage")
    anchor = blocks.CharBlock(label=_("Anchor"), required=False, max_length=80)
    excerpt = blocks.TextBlock(label=_("Excerpt"))

    class Meta:
        icon = "openquote"
        label = _("From the handbook")
        template = "courses/blocks/handbook_excerpt.html"


class DiscussionLinkBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        label=_("Invitation"), max_length=300, default="Wie habt ihr das in eurer Region gelöst? Erzählt es im Forum."
    )

    class Meta:
        icon = "group"
        label = _("Discussion link")
        template = "courses/blocks/discussion_link.html"


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"), features=["h3", "h4", "bold", "italic", "link", "ol", "ul", "document-link"], icon="pilcrow"
    )
    heading = HeadingBlock()
    image = ImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    checklist = ChecklistBlock()
    reflection = ReflectionBlock()
    quiz = QuizBlock()
    downloads = DownloadsBlock()
    handbook_excerpt = HandbookExcerptBlock()
    discussion = DiscussionLinkBlock()
