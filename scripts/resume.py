"""ape run resume ID [--network ...] [--account ...]"""
from tiny_hops.scripting import owner_command

cli = owner_command("resume", "Resume paused workflow ID (owner only).")
