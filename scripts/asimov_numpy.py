#!/usr/bin/env python3
"""Independent numpy implementation of the Asimov test statistic of eq. (94) on a SPEC
(docs/inference.md), the way a physicist would write it today, with scipy / iminuit profiling.

Reads one JSON request on stdin and prints one JSON answer:
  {"eval": [x, ...]}                          -> {"eval": [u(x), ...]}
  {"profile": [{"start": x, "free": [i, ...], "method": "lbfgsb" | "iminuit"}, ...]}
                                              -> {"profile": [{"q", "x", "seconds", "calls", "valid"}, ...]}
  {"time_eval": {"x": x, "repeat": k}}        -> {"time_eval": [seconds of each of k u(x) calls]}
x is the full parameter vector: POIs, then the factors' nuisances in order, then the
log-normal nuisances (the order of the SPEC).
"""
import json
import os
import sys
import time

import numpy as np


class Model:
    def __init__(self, spec_path):
        with open(spec_path) as f:
            spec = json.load(f)
        base = os.path.dirname(os.path.abspath(spec_path))
        load = lambda name: np.load(os.path.join(base, name))
        self.L0 = float(spec["luminosity"])
        self.w = load(spec["weights"])
        self.r = load(spec["smeft"])
        self.P = len(spec["pois"])
        self.pairs = [(m, n) for m in range(self.P) for n in range(m, self.P)]
        self.names = list(spec["pois"])
        self.factors = []
        for f in spec.get("factors", []):
            offset = len(self.names)
            self.names += f["nuisances"]
            terms = [[offset + f["nuisances"].index(n) for n in t] for t in f["terms"]]
            self.factors.append((terms, load(f["delta"])))
        self.lognormal = []
        for f in spec.get("logNormal", []):
            self.names.append(f["nuisance"])
            self.lognormal.append((len(self.names) - 1, np.log(f["alpha"])))
        floating = set(spec.get("floating", []))
        self.constrained = [i for i, n in enumerate(self.names) if i >= self.P and n not in floating]

    def u(self, x):
        """u(θ, ν) = -2 × eq. (94): 2 Σ w (L R - L0 - L0 log(L R / L0)) + Σ ν²."""
        x = np.asarray(x, dtype=float)
        theta = x[: self.P]
        quad = np.array([theta[m] * theta[n] for m, n in self.pairs])
        rhat = 1.0 + self.r[:, : self.P] @ theta + self.r[:, self.P:] @ quad
        log_s = np.zeros_like(self.w)
        for terms, delta in self.factors:
            values = np.array([np.prod([x[i] for i in t]) for t in terms])
            log_s += delta @ values
        lam = np.exp(sum(x[i] * la for i, la in self.lognormal)) if self.lognormal else 1.0
        lr = lam * rhat * np.exp(log_s)  # L(ν) R / L0
        if np.any(lr <= 0):
            return np.inf
        value = 2.0 * np.sum(self.w * (self.L0 * lr - self.L0 - self.L0 * np.log(lr)))
        return value + sum(x[i] ** 2 for i in self.constrained)


def profile(model, start, free, method):
    start = np.asarray(start, dtype=float)
    free = list(free)

    def f(y):
        x = start.copy()
        x[free] = y
        return model.u(x)

    t0 = time.perf_counter()
    if method == "iminuit":
        from iminuit import Minuit

        m = Minuit(f, start[free])
        m.errordef = Minuit.LEAST_SQUARES
        m.strategy = 1
        m.tol = 1e-6
        m.migrad()
        y, q, calls, valid = np.array(m.values), m.fval, m.nfcn, bool(m.valid)
    else:
        from scipy.optimize import minimize

        res = minimize(f, start[free], method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
        y, q, calls, valid = res.x, res.fun, res.nfev, bool(res.success)
    x = start.copy()
    x[free] = y
    return {"q": float(q), "x": x.tolist(), "seconds": time.perf_counter() - t0, "calls": int(calls), "valid": valid}


def main():
    model = Model(sys.argv[1])
    request = json.load(sys.stdin)
    answer = {}
    if "eval" in request:
        answer["eval"] = [float(model.u(x)) for x in request["eval"]]
    if "time_eval" in request:
        # Seconds of single u evaluations at one point: the cost of one call of the minimizer.
        x, repeat = request["time_eval"]["x"], int(request["time_eval"].get("repeat", 5))
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            model.u(x)
            times.append(time.perf_counter() - t0)
        answer["time_eval"] = times
    if "profile" in request:
        answer["profile"] = [profile(model, r["start"], r["free"], r.get("method", "lbfgsb")) for r in request["profile"]]
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
