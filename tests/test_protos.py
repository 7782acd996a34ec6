"""Wire compatibility of Protos/ with upstream, and that the generated Swift is in step.

One test per proto file, so a failure names the file; each failure lists every
difference found (see tests/protocheck.py for what is compared).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import protocheck
from google.protobuf import descriptor_pb2

REPO = protocheck.REPO
PROTOS = protocheck.PROTOS
FIXTURES = Path(__file__).resolve().parent / "fixtures"

FDP = descriptor_pb2.FieldDescriptorProto

ISTIO_CA = "istio/security/v1alpha1/ca.proto"
ENVOY_FILES = [f for f in protocheck.proto_files(PROTOS) if not f.startswith("istio/")]

# Where each part of Protos/ is generated to (see scripts/generate-protos).
GENERATED_DIRS = {
    "envoy": REPO / "Sources/XDS/Generated",
    "google": REPO / "Sources/XDS/Generated",
    "istio": REPO / "Sources/CA/Generated",
}


@pytest.fixture(scope="session")
def compiled() -> descriptor_pb2.FileDescriptorSet:
    return protocheck.compile_protos(PROTOS, protocheck.proto_files(PROTOS))


@pytest.fixture(scope="session")
def upstream_report() -> dict[str, list[str]]:
    return protocheck.check(PROTOS, ENVOY_FILES)


@pytest.mark.parametrize("proto", ENVOY_FILES)
def test_matches_upstream(proto: str, upstream_report: dict[str, list[str]]) -> None:
    problems = upstream_report[proto]
    assert not problems, f"{proto} differs from upstream:\n  " + "\n  ".join(problems)


def test_istio_ca_matches_istio_api(compiled: descriptor_pb2.FileDescriptorSet) -> None:
    # xds-protos does not ship Istio's protos; these are the numbers from istio/api
    # security/v1alpha1/ca.proto, as recorded in shared/FACTS.md.
    (ca,) = [f for f in compiled.file if f.name == ISTIO_CA]
    assert ca.package == "istio.v1.auth"
    assert ca.syntax == "proto3"

    def fields(message: str) -> set[tuple[str, int, str, str]]:
        (m,) = [m for m in ca.message_type if m.name == message]
        label = {FDP.LABEL_OPTIONAL: "singular", FDP.LABEL_REPEATED: "repeated"}
        return {
            (f.name, f.number, label[f.label], f.type_name.lstrip(".") or FDP.Type.Name(f.type))
            for f in m.field
        }

    assert fields("IstioCertificateRequest") == {
        ("csr", 1, "singular", "TYPE_STRING"),
        ("validity_duration", 3, "singular", "TYPE_INT64"),
        ("metadata", 4, "singular", "google.protobuf.Struct"),
    }
    assert fields("IstioCertificateResponse") == {
        ("cert_chain", 1, "repeated", "TYPE_STRING"),
    }
    assert [s.name for s in ca.service] == ["IstioCertificateService"]
    methods = [
        (m.name, m.input_type, m.output_type, m.client_streaming, m.server_streaming)
        for m in ca.service[0].method
    ]
    assert methods == [
        (
            "CreateCertificate",
            ".istio.v1.auth.IstioCertificateRequest",
            ".istio.v1.auth.IstioCertificateResponse",
            False,
            False,
        )
    ]


def test_checker_reports_each_kind_of_difference() -> None:
    root = FIXTURES / "wrong-protos"
    report = protocheck.check(root, protocheck.proto_files(root))
    cluster = "envoy.config.cluster.v3.Cluster"
    ads = "envoy.service.discovery.v3.AggregatedDiscoveryService"
    assert sorted(report["envoy/config/cluster/v3/cluster.proto"]) == sorted([
        f"{cluster}.connect_timeout: number 3 here, 4 upstream",
        f"{cluster}.per_connection_buffer_limit_bytes: type google.protobuf.Duration here, google.protobuf.UInt32Value upstream",
        f"{cluster}.fast_start: no such field upstream",
        f"{cluster}.alt_stat_name: repeated here, singular upstream",
        f"{cluster}.lb_policy: in oneof cluster_discovery_type here, not in a oneof upstream",
        f"{cluster}.max_requests_per_connection: deprecated upstream; leave it out or say in its comment why it is kept (deprecated)",
        f"{cluster}.Colour: no such message upstream",
        f"{cluster}.LbPolicy.LEAST_REQUEST: number 2 here, 1 upstream",
        f"{cluster}.LbPolicy.MOST_REQUEST: no such enum value upstream",
    ])
    assert sorted(report["envoy/service/discovery/v3/ads.proto"]) == sorted([
        f"{ads}.StreamAggregatedResources: requests are a single message here, a stream upstream",
        f"{ads}.FetchAggregatedResources: no such method upstream",
        f"{ads}.DeltaAggregatedResources: input envoy.service.discovery.v3.DiscoveryResponse here, envoy.service.discovery.v3.DeltaDiscoveryRequest upstream",
        f"{ads}.DeltaAggregatedResources: output envoy.service.discovery.v3.DiscoveryResponse here, envoy.service.discovery.v3.DeltaDiscoveryResponse upstream",
    ])
    # A correct subset of a message is fine.
    assert report["envoy/service/discovery/v3/discovery.proto"] == []


def _swift_name(proto: str) -> str:
    # FileNaming=PathToUnderscores
    return proto[: -len(".proto")].replace("/", "_")


def test_generated_files_match_protos(compiled: descriptor_pb2.FileDescriptorSet) -> None:
    """Each proto has its .pb.swift (and .grpc.swift when it declares a service) and
    nothing else is in Generated/: catches a proto added or removed without running
    scripts/generate-protos."""
    ours = {f.name: f for f in compiled.file if (PROTOS / f.name).is_file()}
    expected: dict[Path, set[str]] = {d: set() for d in GENERATED_DIRS.values()}
    for name, fdp in ours.items():
        out = GENERATED_DIRS[name.split("/", 1)[0]]
        expected[out].add(_swift_name(name) + ".pb.swift")
        if fdp.service:
            expected[out].add(_swift_name(name) + ".grpc.swift")

    problems = []
    for out, wanted in sorted(expected.items()):
        present = {p.name for p in out.iterdir()} if out.is_dir() else set()
        rel = out.relative_to(REPO)
        problems += [f"{rel}/{n}: missing" for n in sorted(wanted - present)]
        problems += [f"{rel}/{n}: no proto in Protos/ generates it" for n in sorted(present - wanted)]
    assert not problems, "run scripts/generate-protos:\n  " + "\n  ".join(problems)


def test_generated_files_name_their_source() -> None:
    """Each generated file says which proto it came from (a renamed proto whose
    generated file was renamed by hand would slip past the name check)."""
    problems = []
    for out in sorted(set(GENERATED_DIRS.values())):
        for path in sorted(out.glob("*.swift")):
            head = path.read_text(encoding="utf-8", errors="replace")[:2000]
            match = re.search(r"^// Source: (\S+\.proto)$", head, re.MULTILINE)
            if match is None:
                problems.append(f"{path.relative_to(REPO)}: no '// Source:' line")
            elif _swift_name(match.group(1)) != path.name.split(".")[0]:
                problems.append(f"{path.relative_to(REPO)}: generated from {match.group(1)}")
            elif not (PROTOS / match.group(1)).is_file():
                problems.append(f"{path.relative_to(REPO)}: {match.group(1)} is not in Protos/")
    assert not problems, "run scripts/generate-protos:\n  " + "\n  ".join(problems)
