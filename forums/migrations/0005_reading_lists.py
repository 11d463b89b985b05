# Reading state and topic lists (issue 4, section 2): when a member was last seen in the forums,
# so a new visit (and with it the "Neu" cut-off) can be told apart from the current one.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("forums", "0004_search_index")]

    operations = [
        migrations.AddField(
            model_name="forummember",
            name="last_seen_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last seen at"),
        ),
    ]
