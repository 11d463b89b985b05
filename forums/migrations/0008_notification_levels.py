# A slot in the forums' migration chain for one area of issue 4, so areas built in parallel
# never create conflicting leaf migrations. An area adds its operations here; empty slots are
# folded away before the issue closes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("forums", "0007_reactions_bookmarks")]

    operations: list = []
