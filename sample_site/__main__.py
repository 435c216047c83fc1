"""python -m sample_site --port N [--host H] [--paging path|query]"""
import argparse

from .server import serve_forever


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m sample_site", description=__doc__)
    ap.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--paging", choices=["path", "query"], default="path")
    args = ap.parse_args(argv)
    serve_forever(port=args.port, host=args.host, paging=args.paging)


if __name__ == "__main__":
    main()
