"""The `tiny-hops` command end to end on the test chain: deployed through the CLI itself, with a
real local node (in-process, one poll at a time) running the jobs."""
import json
import os

import pytest
from click.testing import CliRunner

from tiny_hops.cli import main

NET = ["--network", "ethereum:local:foundry"]


@pytest.fixture(scope="module")
def thops_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("thops-home")
    old = os.environ.get("THOPS_HOME")
    os.environ["THOPS_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("THOPS_HOME", None)
    else:
        os.environ["THOPS_HOME"] = old


@pytest.fixture(scope="module")
def cli(thops_home):
    """cli(*args) -> click Result; the network option is added for chain commands."""
    runner = CliRunner()

    def _cli(*args, network=True):
        return runner.invoke(main, [*args, *(NET if network else [])], catch_exceptions=False)

    return _cli


@pytest.fixture(scope="module")
def deployment(cli, thops_home):
    result = cli("deploy")
    assert result.exit_code == 0, result.output
    data = json.loads((thops_home / "deployments.json").read_text())
    return data["31337"]


@pytest.fixture(scope="module")
def tinyhops(deployment, project):
    return project.TinyHops.at(deployment["TinyHops"])


@pytest.fixture(scope="module")
def node(deployment, project, accounts, thops_home):
    """The local node serving this deployment; `node.run_once()` handles what is pending."""
    from tiny_hops.deploy import NODE_ACCOUNT_INDEX
    from tiny_hops.node.runner import LocalNode
    from tiny_hops.store import ContentStore

    return LocalNode(
        project.LocalModicum.at(deployment["LocalModicum"]),
        accounts[NODE_ACCOUNT_INDEX],
        ContentStore(thops_home / "store"),
        tinyhops=project.TinyHops.at(deployment["TinyHops"]),
        state_file=None,
        isolation="inline",
        start_block=deployment["block"],
    )


@pytest.fixture(scope="module")
def monitor_json(cli):
    def _monitor(wf, *extra):
        result = cli("monitor", str(wf), "--json", *extra)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return _monitor


@pytest.fixture(scope="module")
def launch(cli):
    def _launch(spec, *extra):
        result = cli("run", str(spec), *extra)
        assert result.exit_code == 0, result.output
        return int(result.output.split("Your workflowId is : ")[1].split()[0])

    return _launch
