"""What can be proven about the deployment files without a Docker engine or a cluster: they parse,
refer to files that exist, run as a non-root user, probe endpoints the app really serves, name only
settings Config.from_env reads, and run commands the CLI accepts."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.app import create_app
from bot.cli import build_parser
from bot.config import Config
from bot.jobs import make_queue
from tests.test_jobs import ScriptedRunner

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
USER_FILES = ("perf-review.env", "private-key.pem")  # provided by whoever deploys; documented, never committed


def k8s_docs() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                yield path.name, doc


def bot_containers() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(file, pod spec, container) for every container running the perf-review image."""
    for name, doc in k8s_docs():
        if doc["kind"] == "Deployment":
            spec = doc["spec"]["template"]["spec"]
            for container in spec["containers"]:
                if container["image"].startswith("perf-review"):
                    yield name, spec, container


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return data


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def config_env_names() -> set[str]:
    """The variables Config.from_env reads, found by handing it a complete environment that records reads."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    class Recording(dict[str, str]):
        seen: set[str] = set()

        def get(self, name: str, default: Any = None) -> Any:
            self.seen.add(name)
            return super().get(name, default)

        def __getitem__(self, name: str) -> str:
            self.seen.add(name)
            return super().__getitem__(name)

    env = Recording(GITHUB_APP_ID="1", GITHUB_PRIVATE_KEY=pem.decode(), GITHUB_WEBHOOK_SECRET="s")
    Config.from_env(env)
    return set(env.seen)


def test_every_yaml_file_parses() -> None:
    for path in [*K8S.glob("*.yaml"), DEPLOY / "docker-compose.yml"]:
        assert list(yaml.safe_load_all(path.read_text())), path


def test_files_referred_to_exist() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    for service in ("web", "worker"):
        build = compose()["services"][service]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == ROOT / "Dockerfile"
    for instruction, args in dockerfile():
        if instruction == "COPY" and not args.startswith("--from"):
            for source in shlex.split(args)[:-1]:
                assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    readme = (DEPLOY / "README.md").read_text()
    for name in USER_FILES:
        assert name in readme, f"deploy/README.md must explain {name}"
    env_files = compose()["x-bot"]["env_file"]
    secrets = [s["file"] for s in compose()["secrets"].values()]
    assert set(env_files) | set(secrets) <= set(USER_FILES)
    for link in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (DEPLOY / link).resolve().exists(), f"deploy/README.md links to missing {link}"


def test_image_is_multi_stage_slim_and_runs_as_non_root() -> None:
    steps = dockerfile()
    bases = [args for instruction, args in steps if instruction == "FROM"]
    assert len(bases) >= 2 and all("slim" in base for base in bases)
    users = [args for instruction, args in steps if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert "--uid 10001" in next(args for instruction, args in steps if instruction == "RUN" and "useradd" in args)
    healthcheck = next(args for instruction, args in steps if instruction == "HEALTHCHECK")
    assert "127.0.0.1:8000/healthz" in healthcheck
    entrypoint = yaml.safe_load(next(args for instruction, args in steps if instruction == "ENTRYPOINT"))
    cmd = yaml.safe_load(next(args for instruction, args in steps if instruction == "CMD"))
    assert entrypoint == ["perf-review"] and cmd[:3] == ["serve", "--bind", "0.0.0.0:8000"]
    build_parser().parse_args(cmd)


def test_pods_run_as_non_root_with_probes_on_real_endpoints(tmp_path: Path) -> None:
    app = create_app(Config(app_id=1, webhook_secret="s", data_dir=tmp_path), make_queue(
        Config(app_id=1, data_dir=tmp_path), runner=ScriptedRunner()))
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    seen = set()
    for name, pod, container in bot_containers():
        seen.add(container["args"][0])
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0, name
        args = build_parser().parse_args(container["args"])
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        for probe in ("livenessProbe", "readinessProbe"):
            http = container[probe]["httpGet"]
            port = ports[http["port"]]
            if args.command == "serve":
                assert args.bind.endswith(f":{port}") and http["path"] in routes, (name, probe)
            else:
                assert args.metrics_port == port and http["path"] == "/metrics", (name, probe)
    assert seen == {"serve", "worker"}
    assert {"/healthz", "/readyz", "/metrics", "/webhook"} <= routes


def test_compose_commands_parse_and_the_worker_health_check_matches_its_port() -> None:
    services = compose()["services"]
    assert set(services) == {"web", "worker", "redis", "proxy"}
    web = build_parser().parse_args(services["web"]["command"])
    worker = build_parser().parse_args(services["worker"]["command"])
    assert web.command == "serve" and worker.command == "worker"
    assert f":{worker.metrics_port}/metrics" in " ".join(services["worker"]["healthcheck"]["test"])
    port = web.bind.rsplit(":", 1)[1]
    assert "ports" not in services["web"] and services["web"]["expose"] == [port], "8000 is not exposed bare"


def test_the_proxy_buffers_requests_for_the_web_service() -> None:
    """Issue 9.6: the compose file puts nginx (deploy/nginx.conf) in front; it passes only POST /webhook
    to `web`, with request buffering and client deadlines."""
    proxy = compose()["services"]["proxy"]
    source = proxy["volumes"][0].split(":")[0]
    conf = (DEPLOY / source).read_text()
    web_port = build_parser().parse_args(compose()["services"]["web"]["command"]).bind.rsplit(":", 1)[1]
    assert f"server web:{web_port};" in conf
    for directive in ("proxy_request_buffering on;", "client_body_timeout", "client_header_timeout",
                      "client_max_body_size 25m;", "location = /webhook"):
        assert directive in conf, directive
    listen = re.search(r"^\s*listen (\d+);", conf, re.M)
    assert listen and proxy["ports"] == [f"{listen.group(1)}:{listen.group(1)}"]


def _env_names_in_deploy() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    example = (DEPLOY / "env.example").read_text()
    names["env.example"] = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.M))
    for name, doc in k8s_docs():
        if doc["kind"] == "ConfigMap":
            names[name] = set(doc["data"])
        if doc["kind"] == "Secret":
            names[name] = {k for k in doc["stringData"] if k.isupper()}
    for name, _, container in bot_containers():
        names.setdefault(name, set()).update(e["name"] for e in container.get("env", []))
    x_bot: Mapping[str, str] = compose()["x-bot"]["environment"]
    names["docker-compose.yml"] = set(x_bot)
    env_lines = " ".join(args for instruction, args in dockerfile() if instruction == "ENV")
    names["Dockerfile"] = set(re.findall(r"\b((?:GITHUB|PERF_REVIEW)_[A-Z_]+)=", env_lines))
    return names


def test_setting_names_are_those_config_reads() -> None:
    known = config_env_names()
    for where, names in _env_names_in_deploy().items():
        assert names <= known, f"{where} sets {sorted(names - known)}, which Config.from_env never reads"
    example = _env_names_in_deploy()["env.example"]
    assert known - {"GITHUB_PRIVATE_KEY"} <= example, "env.example documents every setting"


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_the_commands_the_images_run_work(command: str) -> None:
    exe = Path(sys.executable).with_name("perf-review")
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]
    done = subprocess.run([*argv, command, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"usage: perf-review {command}" in done.stdout


KEY_FILE = "private-key.pem"


def test_one_private_key_file_name_readable_by_the_image_user() -> None:
    """Issue 13: the key has one name across docs/ and deploy/, and each setup lets uid 10001 read it."""
    texts = {p: p.read_text() for p in [*DEPLOY.rglob("*"), *(ROOT / "docs").rglob("*.md"), ROOT / "README.md"]
             if p.is_file()}
    names = {m for text in texts.values() for m in re.findall(r"[\w<>-][\w.<>-]*\.pem\b", text)}
    assert names <= {KEY_FILE, "<app>.private-key.pem", "your-app.private-key.pem"}, names
    bot = compose()["x-bot"]
    assert bot["environment"]["GITHUB_PRIVATE_KEY_PATH"] == f"/run/secrets/{KEY_FILE}"
    [secret] = bot["secrets"]
    assert (secret["source"], secret["uid"], secret["gid"]) == (KEY_FILE, "10001", "10001")
    assert compose()["secrets"][KEY_FILE]["file"] == KEY_FILE
    assert "chown 10001:10001 deploy/private-key.pem" in (DEPLOY / "docker-compose.yml").read_text()
    assert "chown 10001:10001" in (DEPLOY / "README.md").read_text()
    for name, spec, _ in bot_containers():
        assert spec["securityContext"]["runAsUser"] == 10001 and spec["securityContext"]["fsGroup"] == 10001
        [volume] = [v for v in spec["volumes"] if "secret" in v]
        assert volume["secret"]["defaultMode"] == 0o440, name  # group 10001 (fsGroup) reads it
        assert any(i["path"] == KEY_FILE for i in volume["secret"]["items"])
