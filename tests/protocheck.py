"""Checks that the wire contracts in Protos/ agree with the official Envoy descriptors.

Protos/ restates only the parts of upstream's .proto files that controld uses. The
restatement must not drift: a wrong field number or type would make controld send
bytes that Envoy reads as something else. This module compiles Protos/ with protoc and
compares every message, field, enum value, oneof and service method with the
descriptors shipped in the `xds-protos` package (the data-plane-api generated for
Python), reporting each difference as one readable line.

Used by tests/test_protos.py; also runnable by hand:

    .venv/bin/python tests/protocheck.py [Protos-relative files...]
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool

REPO = Path(__file__).resolve().parent.parent
PROTOS = REPO / "Protos"

FDP = descriptor_pb2.FieldDescriptorProto

_SCALARS = {
    value: name[len("TYPE_"):].lower()
    for name, value in FDP.Type.items()
    if name not in ("TYPE_MESSAGE", "TYPE_ENUM", "TYPE_GROUP")
}

# Paths inside a FileDescriptorProto, for finding comments in SourceCodeInfo.
_FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE = 4, 5, 6
_MSG_FIELD, _MSG_NESTED, _MSG_ENUM = 2, 3, 4
_ENUM_VALUE = 2
_SERVICE_METHOD = 2


class ProtocError(RuntimeError):
    pass


def well_known_include() -> Path:
    """The directory holding google/protobuf/*.proto, next to the protoc in use."""
    protoc = shutil.which("protoc")
    if protoc is None:
        raise ProtocError("protoc not found; install it with: apt-get install -y protobuf-compiler")
    candidates = [Path("/usr/include"), Path("/usr/local/include"), Path(protoc).resolve().parent.parent / "include"]
    for candidate in candidates:
        if (candidate / "google/protobuf/any.proto").is_file():
            return candidate
    raise ProtocError("google/protobuf/any.proto not found next to protoc; install protobuf-compiler")


def proto_files(root: Path, *subdirs: str) -> list[str]:
    """The .proto files under root (or under the given subdirectories of it), sorted, relative to root."""
    bases = [root / s for s in subdirs] if subdirs else [root]
    found = set()
    for base in bases:
        if base.is_dir():
            found.update(p.relative_to(root).as_posix() for p in base.rglob("*.proto"))
    return sorted(found)


def compile_protos(root: Path, files: list[str]) -> descriptor_pb2.FileDescriptorSet:
    """Runs protoc over `files` (relative to root) and returns the descriptors, with comments."""
    root = root.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "set.pb"
        cmd = [
            "protoc",
            f"-I{root}",
            f"-I{well_known_include()}",
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={out}",
            *files,
        ]
        result = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        if result.returncode != 0:
            raise ProtocError(f"protoc failed:\n{result.stderr.strip()}")
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(out.read_bytes())
        return fds


def _module_for(file_name: str) -> str:
    return file_name[: -len(".proto")].replace("/", ".").replace("-", "_") + "_pb2"


def _comments(fdp: descriptor_pb2.FileDescriptorProto) -> dict[tuple[int, ...], str]:
    out = {}
    for loc in fdp.source_code_info.location:
        text = " ".join([loc.leading_comments, loc.trailing_comments, *loc.leading_detached_comments])
        if text.strip():
            out[tuple(loc.path)] = text
    return out


class _Upstream:
    """Upstream descriptors, looked up in the default pool after importing the
    xds-protos module for the file."""

    def __init__(self) -> None:
        self.pool = descriptor_pool.Default()
        self._imported: dict[str, bool] = {}

    def load(self, file_name: str) -> bool:
        if file_name not in self._imported:
            try:
                importlib.import_module(_module_for(file_name))
                self._imported[file_name] = True
            except ImportError:
                self._imported[file_name] = False
        return self._imported[file_name]

    def message(self, full_name: str):
        try:
            return self.pool.FindMessageTypeByName(full_name)
        except KeyError:
            return None

    def enum(self, full_name: str):
        try:
            return self.pool.FindEnumTypeByName(full_name)
        except KeyError:
            return None

    def service(self, full_name: str):
        try:
            return self.pool.FindServiceByName(full_name)
        except KeyError:
            return None


def _as_proto(desc, proto_cls):
    p = proto_cls()
    desc.CopyToProto(p)
    return p


class _Checker:
    def __init__(self, ours: descriptor_pb2.FileDescriptorSet) -> None:
        self.upstream = _Upstream()
        # Every message of ours by full name (map entries included), to describe map fields.
        self.our_messages: dict[str, descriptor_pb2.DescriptorProto] = {}
        for fdp in ours.file:
            prefix = f".{fdp.package}" if fdp.package else ""
            for m in fdp.message_type:
                self._index(prefix, m)
        self.problems: list[str] = []

    def _index(self, prefix: str, m: descriptor_pb2.DescriptorProto) -> None:
        name = f"{prefix}.{m.name}"
        self.our_messages[name] = m
        for n in m.nested_type:
            self._index(name, n)

    def report(self, text: str) -> None:
        self.problems.append(text)

    # -- files --------------------------------------------------------------

    def check_file(self, fdp: descriptor_pb2.FileDescriptorProto) -> list[str]:
        self.problems = []
        self.comments = _comments(fdp)
        if fdp.syntax != "proto3":
            self.report(f"{fdp.name}: syntax {fdp.syntax or 'proto2'!r} here, proto3 upstream")
        if fdp.HasField("options"):
            self.report(f"{fdp.name}: file options are set; Protos/ carries no options")
        if not self.upstream.load(fdp.name):
            self.report(f"{fdp.name}: no such file upstream (no module {_module_for(fdp.name)})")
        pkg = fdp.package
        for i, m in enumerate(fdp.message_type):
            self._check_message(fdp, f"{pkg}.{m.name}", m, (_FILE_MESSAGE, i))
        for i, e in enumerate(fdp.enum_type):
            self._check_enum(fdp, f"{pkg}.{e.name}", e, (_FILE_ENUM, i))
        for i, s in enumerate(fdp.service):
            self._check_service(fdp, f"{pkg}.{s.name}", s, (_FILE_SERVICE, i))
        return self.problems

    def _check_home(self, fdp, full_name: str, desc) -> None:
        if desc.file.name != fdp.name:
            self.report(f"{full_name}: declared in {fdp.name} here, in {desc.file.name} upstream")

    def _deprecated_ok(self, path: tuple[int, ...]) -> bool:
        return "deprecated" in self.comments.get(path, "").lower()

    # -- messages -----------------------------------------------------------

    def _check_message(self, fdp, full_name: str, m: descriptor_pb2.DescriptorProto, path) -> None:
        if m.options.map_entry:
            return  # checked through the map field that owns it
        up_desc = self.upstream.message(full_name)
        if up_desc is None:
            self.report(f"{full_name}: no such message upstream")
            return
        self._check_home(fdp, full_name, up_desc)
        if m.HasField("options"):
            self.report(f"{full_name}: message options are set; Protos/ carries no options")
        if up_desc.GetOptions().deprecated and not self._deprecated_ok(path):
            self.report(f"{full_name}: deprecated upstream; leave it out or say in its comment why it is kept (deprecated)")
        up = _as_proto(up_desc, descriptor_pb2.DescriptorProto)
        up_fields = {f.name: f for f in up.field}
        up_by_number = {f.number: f for f in up.field}
        up_entries = {f"{full_name}.{n.name}": n for n in up.nested_type if n.options.map_entry}

        for i, f in enumerate(m.field):
            fname = f"{full_name}.{f.name}"
            uf = up_fields.get(f.name)
            if uf is None:
                other = up_by_number.get(f.number)
                hint = f" (number {f.number} is {other.name} upstream)" if other else ""
                self.report(f"{fname}: no such field upstream{hint}")
                continue
            if f.number != uf.number:
                self.report(f"{fname}: number {f.number} here, {uf.number} upstream")
            ours_t = self._type_of(f, self.our_messages)
            up_t = self._type_of(uf, {**self.our_messages, **{"." + k: v for k, v in up_entries.items()}})
            if ours_t != up_t:
                self.report(f"{fname}: type {ours_t} here, {up_t} upstream")
            ol, ul = self._label_of(f, ours_t), self._label_of(uf, up_t)
            if ol != ul:
                self.report(f"{fname}: {ol} here, {ul} upstream")
            oo, uo = self._oneof_of(m, f), self._oneof_of(up, uf)
            if oo != uo:
                here = f"in oneof {oo}" if oo else "not in a oneof"
                there = f"in oneof {uo}" if uo else "not in a oneof"
                self.report(f"{fname}: {here} here, {there} upstream")
            if f.HasField("options"):
                self.report(f"{fname}: field options are set; Protos/ carries no options")
            if uf.options.deprecated and not self._deprecated_ok(path + (_MSG_FIELD, i)):
                self.report(f"{fname}: deprecated upstream; leave it out or say in its comment why it is kept (deprecated)")

        for i, n in enumerate(m.nested_type):
            self._check_message(fdp, f"{full_name}.{n.name}", n, path + (_MSG_NESTED, i))
        for i, e in enumerate(m.enum_type):
            self._check_enum(fdp, f"{full_name}.{e.name}", e, path + (_MSG_ENUM, i))

    def _type_of(self, f, entries: dict[str, descriptor_pb2.DescriptorProto]) -> str:
        if f.type == FDP.TYPE_MESSAGE:
            entry = entries.get(f.type_name)
            if entry is not None and entry.options.map_entry and f.label == FDP.LABEL_REPEATED:
                key, value = sorted(entry.field, key=lambda x: x.number)
                return f"map<{self._type_of(key, entries)}, {self._type_of(value, entries)}>"
            return f.type_name.lstrip(".")
        if f.type == FDP.TYPE_ENUM:
            return f"enum {f.type_name.lstrip('.')}"
        return _SCALARS.get(f.type, str(f.type))

    @staticmethod
    def _label_of(f, type_text: str) -> str:
        if type_text.startswith("map<"):
            return "map"
        if f.label == FDP.LABEL_REPEATED:
            return "repeated"
        if f.label == FDP.LABEL_REQUIRED:
            return "required"
        if f.proto3_optional:
            return "optional"
        return "singular"

    @staticmethod
    def _oneof_of(m, f) -> str | None:
        if not f.HasField("oneof_index") or f.proto3_optional:
            return None
        return m.oneof_decl[f.oneof_index].name

    # -- enums --------------------------------------------------------------

    def _check_enum(self, fdp, full_name: str, e: descriptor_pb2.EnumDescriptorProto, path) -> None:
        up_desc = self.upstream.enum(full_name)
        if up_desc is None:
            self.report(f"{full_name}: no such enum upstream")
            return
        self._check_home(fdp, full_name, up_desc)
        up_values = {v.name: v for v in up_desc.values}
        for i, v in enumerate(e.value):
            vname = f"{full_name}.{v.name}"
            uv = up_values.get(v.name)
            if uv is None:
                self.report(f"{vname}: no such enum value upstream")
                continue
            if v.number != uv.number:
                self.report(f"{vname}: number {v.number} here, {uv.number} upstream")
            if uv.GetOptions().deprecated and not self._deprecated_ok(path + (_ENUM_VALUE, i)):
                self.report(f"{vname}: deprecated upstream; leave it out or say in its comment why it is kept (deprecated)")

    # -- services -----------------------------------------------------------

    def _check_service(self, fdp, full_name: str, s: descriptor_pb2.ServiceDescriptorProto, path) -> None:
        up_desc = self.upstream.service(full_name)
        if up_desc is None:
            self.report(f"{full_name}: no such service upstream")
            return
        self._check_home(fdp, full_name, up_desc)
        up = _as_proto(up_desc, descriptor_pb2.ServiceDescriptorProto)
        up_methods = {m.name: m for m in up.method}
        for m in s.method:
            mname = f"{full_name}.{m.name}"
            um = up_methods.get(m.name)
            if um is None:
                self.report(f"{mname}: no such method upstream")
                continue
            for what, ours, theirs in (
                ("input", m.input_type, um.input_type),
                ("output", m.output_type, um.output_type),
            ):
                if ours.lstrip(".") != theirs.lstrip("."):
                    self.report(f"{mname}: {what} {ours.lstrip('.')} here, {theirs.lstrip('.')} upstream")
            for what, ours, theirs in (
                ("requests", m.client_streaming, um.client_streaming),
                ("responses", m.server_streaming, um.server_streaming),
            ):
                if ours != theirs:
                    shape = {True: "a stream", False: "a single message"}
                    self.report(f"{mname}: {what} are {shape[ours]} here, {shape[theirs]} upstream")
            if m.HasField("options"):
                self.report(f"{mname}: method options are set; Protos/ carries no options")


def check(root: Path, files: list[str]) -> dict[str, list[str]]:
    """Compiles `files` under root and compares each with upstream. Returns, per file,
    the list of differences (empty when it agrees)."""
    fds = compile_protos(root, files)
    checker = _Checker(fds)
    by_name = {f.name: f for f in fds.file}
    return {name: checker.check_file(by_name[name]) for name in files}


def main(argv: list[str]) -> int:
    files = argv or [f for f in proto_files(PROTOS) if not f.startswith("istio/")]
    failed = 0
    for name, problems in check(PROTOS, files).items():
        for p in problems:
            print(f"{name}: {p}")
        failed += bool(problems)
    print(f"{len(files)} files checked, {failed} with differences", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
