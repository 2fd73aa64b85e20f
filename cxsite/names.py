"""Fixed vocabularies the command line offers as choices (light: no heavy imports)."""

from __future__ import annotations

from typing import Literal, get_args

Channel = Literal[
    "web", "app", "phone", "email", "chat", "store", "mail", "social", "field", "other"
]
CHANNELS = get_args(Channel)
# Score levels, from a touchpoint up to the whole organisation.
LEVELS = ("touchpoint", "stage", "journey", "department", "persona", "overall")
