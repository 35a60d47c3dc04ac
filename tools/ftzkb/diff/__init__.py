"""What changed in the data between two revisions: cases added, changed (which fields) and removed;
adoptions added, changed and removed, per carrier; carriers too.

`diff_corpora(old, new)` compares two loaded corpora (pure, no git). `diff_revisions(root, base, head)`
loads only the files that differ between two git revisions through the one loader and compares them;
`head=None` means the working tree. `recent_changes(root, limit)` walks the first-parent history for
the site's change feed. `render(diff, fmt)` gives text, Markdown or JSON.
"""

from ftzkb.diff.compute import (
    ADDED,
    CHANGED,
    REMOVED,
    AdoptionChange,
    CorpusDiff,
    DiffError,
    FieldChange,
    LoadProblem,
    RecordChange,
    RevisionChange,
    diff_corpora,
)
from ftzkb.diff.render import FORMATS, render
from ftzkb.diff.revisions import WORKING_TREE, diff_revisions, recent_changes, resolve_revision

__all__ = ["ADDED", "CHANGED", "FORMATS", "REMOVED", "WORKING_TREE", "AdoptionChange", "CorpusDiff", "DiffError",
           "FieldChange", "LoadProblem", "RecordChange", "RevisionChange", "diff_corpora", "diff_revisions",
           "recent_changes", "render", "resolve_revision"]
