"""The program that runs INSIDE the sandbox: executes the student's cells, answers calls.

It is sent to the sandboxed interpreter as source text (after ``codec.py``), so it has
no imports from this package. Everything here is untrusted territory: the student's code
runs in this process and may rewrite any of it. The trusted side therefore never relies on
this process for anything but data (decoded by ``codec.decode`` into exact types) and never
sends it test code, expected values or hidden tests — only the arguments of calls.

Protocol (one request, one reply, each framed by ``codec.pack``):
  {"id", "op": "run_cell", "source"}            -> {"id", "status", "ename", "evalue", "output"}
  {"id", "op": "get", "name"}                   -> {"id", "value"} | {"id", "missing": true}
  {"id", "op": "call", "target", "args", "kwargs"} -> {"id", "value", "writeback"} | {"id", "exc"}
  {"id", "op": "getattr"|"getitem"|"len"|"list", ...} -> same as call
"""
import io
import os
import sys

OUTPUT_LIMIT = 4000          # characters of a cell's printed output kept for feedback


class _Bounded(io.TextIOBase):
    """A text stream that keeps the first OUTPUT_LIMIT characters and counts the rest."""

    def __init__(self):
        self.parts, self.size = [], 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.size < OUTPUT_LIMIT:
            self.parts.append(text[: OUTPUT_LIMIT - self.size])
        self.size += len(text)
        return len(text)

    def text(self):
        out = "".join(self.parts)
        if self.size > OUTPUT_LIMIT:
            out += f"\n... [{self.size - OUTPUT_LIMIT} more characters of output cut]"
        return out


def _serve(rpc_in, rpc_out):
    import json
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "NoColor"
    cfg.InteractiveShell.xmode = "Plain"
    shell = InteractiveShell.instance(config=cfg)
    handles = {}
    # numpy's global generator, as it is before any student code runs: a call from a test
    # runs with the grader's global state and reports the state it leaves (so a test's
    # "must not use np.random" check sees what the student's code really did)
    rng_get, rng_set = np.random.get_state, np.random.set_state

    def handle_of(obj):
        key = id(obj)
        handles[key] = obj
        return key

    def resolve(key, _type):
        if key not in handles:
            raise KeyError("unknown handle")
        return handles[key]

    def exc_info(exc):
        return {"types": [c.__name__ for c in type(exc).__mro__][:20],
                "message": str(exc)[:2000]}

    def reply(msg):
        os.write(rpc_out, pack(msg))

    def receive():
        return json.loads(read_frame(rpc_in))

    def make_callback(cid):
        """A function of the trusted side (e.g. a toy model passed by a test): calling it
        asks the grader to run it there, on data, and returns its (data) result."""
        def callback(*args, **kwargs):
            reply({"callback": cid, "args": [encode(a, handle_of) for a in args],
                   "kwargs": {str(k): encode(v, handle_of) for k, v in kwargs.items()}})
            answer = receive()
            if "exc" in answer:
                raise RuntimeError(str(answer["exc"])[:2000])
            return decode(answer["value"], resolve, 0, make_callback)
        return callback

    def dec(data):
        return decode(data, resolve, 0, make_callback)

    while True:
        try:
            req = receive()
        except EOFError:
            return
        rid, op = req.get("id"), req.get("op")
        rng_state = None
        if op == "run_cell":
            out = _Bounded()
            saved = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = out
            try:
                res = shell.run_cell(req["source"], store_history=False)
            except BaseException as exc:   # noqa: BLE001 - report, never die here
                res = None
                err = exc
            finally:
                sys.stdout, sys.stderr = saved
            if res is not None:
                err = res.error_before_exec or res.error_in_exec
            msg = {"id": rid, "status": "error" if err is not None else "ok",
                   "output": out.text()}
            if err is not None:
                msg["ename"] = type(err).__name__
                msg["evalue"] = str(err)[:2000]
            reply(msg)
            continue
        try:
            if op == "get":
                if req["name"] not in shell.user_ns or req["name"] in shell.user_ns_hidden:
                    reply({"id": rid, "missing": True})
                    continue
                result, writeback = shell.user_ns[req["name"]], []
            else:
                target = dec(req["target"])
                writeback = []
                out = _Bounded()
                saved = sys.stdout, sys.stderr
                sys.stdout = sys.stderr = out
                try:
                    if op == "call":
                        args = [dec(a) for a in req["args"]]
                        kwargs = {k: dec(v) for k, v in req["kwargs"].items()}
                        if "global_rng" in req:
                            rng_set(dec(req["global_rng"]))
                        before = rng_get()
                        try:
                            result = target(*args, **kwargs)
                        finally:
                            after = rng_get()
                            if after[2] != before[2] or after[3:] != before[3:] or \
                                    not np.array_equal(after[1], before[1]):
                                rng_state = encode(after)
                        for i, a in enumerate(args):
                            writeback.append([i, encode(a, handle_of)])
                        for k, v in kwargs.items():
                            writeback.append([k, encode(v, handle_of)])
                    elif op == "getattr":
                        result = getattr(target, req["name"])
                    elif op == "getitem":
                        result = target[dec(req["key"])]
                    elif op == "len":
                        result = len(target)
                    elif op == "list":
                        result = list(target)
                    else:
                        raise ValueError(f"unknown op {op!r}")
                finally:
                    sys.stdout, sys.stderr = saved
            answer = {"id": rid, "value": encode(result, handle_of), "writeback": writeback}
            if rng_state is not None:
                answer["global_rng"] = rng_state
            reply(answer)
        except BaseException as exc:       # noqa: BLE001 - the student's error, reported
            try:
                answer = {"id": rid, "exc": exc_info(exc)}
                if rng_state is not None:
                    answer["global_rng"] = rng_state
                reply(answer)
            except BaseException:          # noqa: BLE001
                reply({"id": rid, "exc": {"types": ["Exception"], "message": "unreportable error"}})


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
