"""Starts `skm sandbox serve` on free ports with a throw-away database and
hands the tests official SDK clients pointed at it over plain HTTP."""

import json
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from alibabacloud_modelstudio20260210.client import Client
from alibabacloud_tea_openapi import utils_models as open_api_models

REPO = Path(__file__).resolve().parents[2]
SKM = os.environ.get("SKM_BIN", str(REPO / "target" / "debug" / "skm"))

ROOT = "root"
RAM_ADMIN = "ram-key-admin"
RAM_NO_PERMISSION = "ram-no-permission"


def skm(*args, timeout=60):
    """Runs `skm` and returns its stdout; fails the test run with stderr on error."""
    done = subprocess.run([SKM, *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"skm {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


class Sandbox:
    def __init__(self, db, regions, identities):
        self.db = db
        self.regions = regions  # region id -> "127.0.0.1:PORT"
        self.identities = {i["name"]: i for i in identities}

    def endpoint(self, region):
        return self.regions[region]

    def url(self, region, path):
        return f"http://{self.regions[region]}{path}"

    def client(self, region, who=ROOT, secret=None, access_key_id=None):
        ident = self.identities[who]
        config = open_api_models.Config(
            access_key_id=access_key_id or ident["accessKeyId"],
            access_key_secret=secret or ident["accessKeySecret"],
            endpoint=self.endpoint(region),
            protocol="http",
            region_id=region,
        )
        return Client(config)

    def uid(self, who):
        return self.identities[who]["uid"]


@pytest.fixture(scope="session")
def sandbox():
    if not os.path.exists(SKM):
        pytest.exit(
            f"{SKM} not found: build it with `cargo build --no-default-features --bin skm` "
            "or point SKM_BIN at it",
            returncode=2,
        )
    tmp = tempfile.TemporaryDirectory(prefix="skm-conformance-")
    db = os.path.join(tmp.name, "sandbox.db")
    proc = subprocess.Popen(
        [SKM, "sandbox", "serve", "--port", "0", "--db", db, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = {}

    def read_first_line():
        first["line"] = proc.stdout.readline()

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(timeout=60)
    line = first.get("line", "")
    if not line:
        proc.kill()
        raise AssertionError(f"skm sandbox serve did not start: {proc.stderr.read()}")
    regions = json.loads(line)["regions"]
    identities = json.loads(skm("sandbox", "identities", "--db", db, "--json"))
    try:
        yield Sandbox(db, regions, identities)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        tmp.cleanup()
