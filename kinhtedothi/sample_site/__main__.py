"""python -m kinhtedothi.sample_site --port N [--host H] [--paging path|query] [--generation legacy|current] [--wayback|--commoncrawl [--throttle]]"""
import argparse
import time

from .server import serve_forever


def _in_foreground(server):
    """Run a loopback fake (a context manager with ``url``) until Ctrl-C."""
    with server:
        print(server.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


def serve_wayback(port, host, throttle):
    """Serve the fake Wayback Machine in the foreground."""
    from .wayback import FakeWayback
    _in_foreground(FakeWayback(port=port, host=host, throttle=throttle))


def serve_commoncrawl(port, host, throttle):
    """Serve the fake Common Crawl (index and data host) in the foreground."""
    from .commoncrawl import FakeCommonCrawl
    _in_foreground(FakeCommonCrawl(port=port, host=host, throttle=throttle))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m kinhtedothi.sample_site", description=__doc__)
    ap.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--paging", choices=["path", "query"], default="path")
    ap.add_argument("--generation", choices=["legacy", "current"], default="legacy",
                    help="current: the site as it is today (tag pages, JSON paging, search, 301s from legacy URLs)")
    ap.add_argument("--wayback", action="store_true", help="serve the fake Wayback Machine instead")
    ap.add_argument("--commoncrawl", action="store_true", help="serve the fake Common Crawl instead")
    ap.add_argument("--throttle", action="store_true", help="with --wayback or --commoncrawl: answer the "
                    "scripted 429s (and 503s)")
    args = ap.parse_args(argv)
    if args.commoncrawl:
        serve_commoncrawl(args.port, args.host, args.throttle)
    elif args.wayback:
        serve_wayback(args.port, args.host, args.throttle)
    else:
        serve_forever(port=args.port, host=args.host, paging=args.paging, generation=args.generation)


if __name__ == "__main__":
    main()
