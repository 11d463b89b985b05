# The GIN index on Post.search_vector for the forums' German full-text search. PostgreSQL only:
# the index is not declared in Post.Meta, so SQLite (which has no tsvector) stays untouched and
# makemigrations sees no change.

from django.db import migrations, models

INDEX_NAME = "forums_post_search_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON forums_post USING GIN (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("forums", "0003_reading_writing_moderation_state")]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
        # The category page orders pinned topics first, then by activity: one index serves it with LIMIT.
        migrations.AddIndex(
            model_name="topic",
            index=models.Index(fields=["category", "-pinned", "-last_posted_at"], name="forums_topic_cat_pinned_idx"),
        ),
    ]
