"""The demo's organisations, campaigns and accounts, which must never reach production."""

# Two organisations, so that what one organisation's people can reach, and
# what they cannot, shows in the demo.
DEMO_ORGANIZATIONS = {
    "demo": "Hamsada demo organisation",
    "demo-letters": "Second demo organisation",
}
DEMO_PASSWORD = "hamsada-demo"
# (username, organisation slug or None for the operator, role)
DEMO_ACCOUNTS = [
    ("organiser", "demo", "owner"),
    ("translator", "demo", "translator"),
    ("letters", "demo-letters", "owner"),
    ("operator", None, None),
]

# The demo accounts' authenticator key, known so that a newcomer can log in:
# add it to an app, or run `hamsada demo --code` for the code of the moment.
DEMO_TOTP_KEY = "68616d736164612d64656d6f2d746f74702d6b65"
