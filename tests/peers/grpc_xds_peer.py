"""A proxyless gRPC mesh client, for the end-to-end tests.

Starts a plain gRPC server on a loopback port, then dials it the mesh way:
`xds:///TARGET` with GRPC_XDS_BOOTSTRAP pointing at the control plane under test, so
gRPC's own xDS client (C-core) resolves the target through LDS, RDS, CDS and EDS.
Prints one line per RPC answer and exits 0 when every call succeeded.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent import futures

import grpc

METHOD = "/controld.test.Echo/Say"


def serve(host, port, name):
    def say(request, context):
        return name.encode() + b":" + request

    handler = grpc.method_handlers_generic_handler(
        "controld.test.Echo",
        {"Say": grpc.unary_unary_rpc_method_handler(say)},
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"{host}:{port}")
    server.start()
    return server


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--xds-server", required=True, help="HOST:PORT of the control plane")
    parser.add_argument("--node-id", required=True)
    parser.add_argument("--target", required=True, help="the name dialled as xds:///TARGET")
    parser.add_argument("--backend", required=True, help="HOST:PORT for the local gRPC server")
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument(
        "--linger", type=float, default=0, help="seconds to stay connected after the calls"
    )
    args = parser.parse_args()

    host, port = args.backend.rsplit(":", 1)
    server = serve(host, int(port), "backend")

    bootstrap = {
        "xds_servers": [
            {
                "server_uri": args.xds_server,
                "channel_creds": [{"type": "insecure"}],
                "server_features": ["xds_v3"],
            }
        ],
        "node": {
            "id": args.node_id,
            "cluster": "grpc-client.default",
            "metadata": {"NAMESPACE": "default", "GENERATOR": "grpc", "ISTIO_VERSION": "1.28.0"},
        },
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(bootstrap, handle)
    os.environ["GRPC_XDS_BOOTSTRAP"] = handle.name

    try:
        with grpc.insecure_channel(f"xds:///{args.target}") as channel:
            say = channel.unary_unary(METHOD)
            for index in range(args.calls):
                answer = say(f"hello-{index}".encode(), timeout=30, wait_for_ready=True)
                print(answer.decode(), flush=True)
            # Stay connected so the caller can inspect the control plane's view of us.
            time.sleep(args.linger)
    except grpc.RpcError as error:
        print(f"rpc failed: {error.code()} {error.details()}", file=sys.stderr, flush=True)
        return 1
    finally:
        server.stop(0)
        os.unlink(handle.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
