"""Request dependencies shared by every router.

`current_scope` is the single place that decides which units a request may see. Until sign-in
lands (issue 6) it grants everything; the pages-and-people work replaces its body with the
signed-in user's units, and every route that already depends on it is scoped from then on.
"""

from __future__ import annotations

from tracker.scope import Scope


def current_scope() -> Scope:
    return Scope.everything()
