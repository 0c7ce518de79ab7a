"""ape run cancel ID [--network ...] [--account ...]"""
from tiny_hops.scripting import owner_command

cli = owner_command("cancel", "Cancel workflow ID and refund its balance (owner only).")
