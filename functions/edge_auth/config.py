"""Where the edge function finds its ``config.json``, and reading it once at start-up.

Lambda@Edge has no environment variables, so the deploy-time custom resource
(``functions/edge_config``) writes ``config.json`` beside this module inside the code package.
Tests and local tools point elsewhere with the ``EDGE_AUTH_CONFIG`` environment variable. The
file's format and its validation live in ``shared.trust.config``, which the custom resource
also uses to check what it renders.
"""

from __future__ import annotations

import json
import os

from shared.trust.config import EdgeConfig, parse_config
from shared.trust.errors import ConfigError

CONFIG_ENV_VAR = "EDGE_AUTH_CONFIG"
DEFAULT_CONFIG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.json")


def config_path() -> str:
    """``$EDGE_AUTH_CONFIG`` when set (tests, local tools), else ``config.json`` beside the code."""
    return os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_PATH


def load_config(path: str) -> EdgeConfig:
    """Read and validate the configuration file at ``path``."""
    try:
        with open(path, encoding="utf-8") as file:
            raw = json.load(file)
    except FileNotFoundError as exc:
        raise ConfigError(f"no configuration file at {path}") from exc
    except (OSError, ValueError, RecursionError) as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc}") from exc
    return parse_config(raw)
