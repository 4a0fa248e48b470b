"""Reading the YAML files under config/ (the rules, the treasury mapping): one loader for both."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's safe loader when PyYAML was built with it (its wheels are): the same documents, ten times faster
# than the pure-Python one, and every command reads the rules
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def load_yaml(text: str) -> Any:
    """The document as plain Python data (what yaml.safe_load answers); YAMLError when it is not YAML."""
    return yaml.load(text, Loader=_LOADER)
