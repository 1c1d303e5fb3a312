"""The edge's trust settings: its config.json format, the key sets it accepts and how a JWKS
is fetched; shared by the edge function and the custom resource that renders its config."""
