"""ape run pause ID [--network ...] [--account ...]"""
from tiny_hops.scripting import owner_command

cli = owner_command("pause", "Pause workflow ID (owner only).")
