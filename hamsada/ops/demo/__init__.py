"""The demo's campaigns and organiser, which must never reach production."""

DEMO_ORGANIZATION = "demo"
DEMO_USERNAME = "organiser"
DEMO_PASSWORD = "hamsada-demo"
