"""The local Lilypad node: modules really executed on this machine, a content store, and a
runner that follows LocalModicum's jobs and posts their results. See docs/node.md."""
from tiny_hops.node.modules import MODULES, ModuleError, module_names, run_module

__all__ = ["MODULES", "ModuleError", "module_names", "run_module", "LocalNode", "PollReport", "JobReport", "main"]


def __getattr__(name):  # the runner imports ape lazily; keep `import tiny_hops.node` light
    if name in ("LocalNode", "PollReport", "JobReport", "main"):
        from tiny_hops.node import runner

        return getattr(runner, name)
    raise AttributeError(name)
